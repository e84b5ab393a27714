"""Password hashing (argon2id) and the password policy.

Policy follows NIST SP 800-63B: at least 8 characters, long passphrases welcome (we cap
at 256 only to bound hashing cost), and passwords known to be common are refused.
zxcvbn ships the 30,000 most common passwords and a guessability estimate.
"""

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from suppliermatch.errors import ValidationFailed
from suppliermatch.translatable import N_, marked

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
# zxcvbn scores 0-4; below 2 means guessable within about 10^6 guesses.
MIN_ZXCVBN_SCORE = 2

# zxcvbn's own warnings (zxcvbn/feedback.py; the library writes them in English only), listed
# so that the catalogues translate them: a refused password shows its warning in the reader's
# language. A warning missing here is shown in English.
ZXCVBN_WARNINGS = (
    N_("Straight rows of keys are easy to guess."),
    N_("Short keyboard patterns are easy to guess."),
    N_('Repeats like "aaa" are easy to guess.'),
    N_('Repeats like "abcabcabc" are only slightly harder to guess than "abc".'),
    N_('Sequences like "abc" or "6543" are easy to guess.'),
    N_("Recent years are easy to guess."),
    N_("Dates are often easy to guess."),
    N_("This is a top-10 common password."),
    N_("This is a top-100 common password."),
    N_("This is a very common password."),
    N_("This is similar to a commonly used password."),
    N_("A word by itself is easy to guess."),
    N_("Names and surnames by themselves are easy to guess."),
    N_("Common names and surnames are easy to guess."),
)

# argon2-cffi's defaults are RFC 9106's low-memory recommendation for argon2id.
_hasher = PasswordHasher()


def configure_hasher(profile_name: str) -> None:
    """Pick an argon2 profile by name (``argon2.profiles``); tests use CHEAPEST for speed."""
    global _hasher
    _hasher = PasswordHasher.from_parameters(getattr(profiles, profile_name))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def check_password_policy(password: str, *, user_inputs: list[str] = ()) -> None:
    """Raise ValidationFailed on the ``password`` field with the reason, else return."""
    if len(password) < MIN_PASSWORD_LENGTH:
        _refuse(N_("Use at least %(least)s characters.", least=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        _refuse(N_("Use at most %(most)s characters.", most=MAX_PASSWORD_LENGTH))
    # zxcvbn's cost grows with length; a long passphrase is judged on its first 64 characters.
    verdict = zxcvbn(password[:64], user_inputs=[u for u in user_inputs if u])
    if verdict["score"] < MIN_ZXCVBN_SCORE:
        reason = verdict["feedback"].get("warning") or N_("This password is too easy to guess.")
        _refuse(
            N_(
                "%(reason)s Try a longer passphrase of a few unrelated words.",
                reason=marked(reason),
            )
        )


def _refuse(message: str) -> None:
    raise ValidationFailed(message, field="password")
