"""How an audit event reads in a page's history: words, not the code it is stored under."""

EVENT_WORDS = {
    # requirements (requirements.service, .lifecycle.ACTION_FOR, .quotes, matching.service)
    "created": "Created",
    "edited": "Edited",
    "amended": "Changed after publishing",
    "published": "Published",
    "closed": "Bidding closed",
    "awarded": "Awarded",
    "cancelled": "Cancelled",
    "quotes_viewed": "Opened the quotes",
    "match_weights_changed": "Changed the ranking weights",
    "drawing_added": "Added a drawing",
    "drawing_removed": "Removed a drawing",
    # certificates (certification.service, .evidence, .verification)
    "create": "Added",
    "edit": "Edited",
    "transition": "Moved on",
    "renewed": "Renewed",
    "evidence_added": "Uploaded evidence",
    "verification_verified": "Verified against the evidence",
    "verification_rejected": "Verification refused",
    "verification_reset": "Sent back for verification",
    # platform administration (admin.service)
    "user_created": "Added the user",
    "user_deactivated": "Deactivated the user",
    "user_reactivated": "Reactivated the user",
    "role_changed": "Changed the role",
    "organisation_created": "Added the organisation",
    "organisation_deactivated": "Deactivated the organisation's users",
    "organisation_reactivated": "Reactivated the organisation's users",
    "cluster_created": "Added the cluster",
    # part qualification and 8D corrective actions (qualification.service)
    "qualification_opened": "Opened the qualification",
    "element_uploaded": "Uploaded a document",
    "element_accepted": "Accepted a document",
    "element_returned": "Returned a document",
    "qualification_submitted": "Submitted for approval",
    "qualification_reopened": "Sent back to the supplier",
    "qualification_approved": "Approved",
    "qualification_interim": "Approved for an interim period",
    "qualification_rejected": "Rejected",
    "corrective_action_opened": "Opened an 8D corrective action",
    "corrective_action_updated": "Wrote 8D disciplines",
    "corrective_action_containment": "Approved the containment (D3)",
    "corrective_action_root_cause": "Approved the root cause (D4)",
    "corrective_action_close": "Closed the 8D",
    # duplicate suppliers, anchor vetting
    "merged": "Merged",
    "dismissed": "Marked not the same enterprise",
    "anchor_vetting_requested": "Asked to be vetted",
    "anchor_vetting_approved": "Approved as an anchor firm",
    "anchor_vetting_rejected": "Refused as an anchor firm",
}


def event_words(action: str) -> str:
    """An event's words; one not listed yet reads as its code spelled out, never raw."""
    return EVENT_WORDS.get(action) or action.replace("_", " ").capitalize()
