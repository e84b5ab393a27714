"""The claim code e-mail: sent at once, after the answer, never through the outbox (which
would store the code as it is; ``AccountToken`` keeps its digest only)."""

from suppliermatch.accounts.account_tokens import TOKEN_LIFETIMES
from suppliermatch.accounts.models import TokenPurpose
from suppliermatch.notifications.immediate import send_after_response
from suppliermatch.suppliers.models import Supplier


def send_claim_code(supplier: Supplier, code: str) -> None:
    minutes = int(TOKEN_LIFETIMES[TokenPurpose.CLAIM_CODE].total_seconds() // 60)
    send_after_response(
        to=supplier.email,
        subject=f"Your code to claim {supplier.legal_name} on SupplierMatch",
        body=(
            f"Someone signing up to SupplierMatch asked to claim the profile of "
            f"{supplier.legal_name}, which lists this address. If it was you, type this "
            f"code on the sign-up page within {minutes} minutes:\n\n"
            f"{code[:5]}-{code[5:]}\n\nIf it was not you, ignore this e-mail: nothing "
            "changes without the code."
        ),
        purpose=TokenPurpose.CLAIM_CODE,
    )
