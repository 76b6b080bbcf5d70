"""The values `sesame templates show` and `check` fill a template with.

Each is as long as the real one can be under the configuration, so that the
SMS `check` counts is the longest a member can receive: the organization, the
minutes and the attempts come from the policy, the code and the link token
have a fixed length, a masked phone number too.
"""

from __future__ import annotations

from engine.masks import mask_email, mask_phone
from engine.message_templates import SMS, Spec
from engine.passwords import TEMP_PASSWORD_ALPHABET, TEMP_PASSWORD_LENGTH
from engine.policy import Policy
from engine.rules import minutes

# What `secrets.token_urlsafe(32)` gives: 43 characters.
_TOKEN = "Xq3v9LrT0bWk7PzN1cYd5HmF8gJs2uAe6iKo4nRtQwE"
SAMPLE_MOBILE = "+33612345678"
SAMPLE_EMAIL = "prenom.nom@example.fr"


def sample_values(spec: Spec, policy: Policy) -> dict[str, str]:
    """A value for each placeholder of `spec`."""
    separator = "&" if "?" in policy.reset_url else "?"
    sms = spec.kind == SMS
    ttl = policy.sms_code_ttl_seconds if sms else policy.email_link_ttl_seconds
    every = {
        "organization": policy.organization,
        "minutes": str(minutes(ttl)),
        "code": (TEMP_PASSWORD_ALPHABET * 2)[:TEMP_PASSWORD_LENGTH],
        "link": f"{policy.reset_url}{separator}token={_TOKEN}",
        "destination": mask_phone(SAMPLE_MOBILE)
        if spec.kind == "sms"
        else mask_email(SAMPLE_EMAIL),
        "max_failed_attempts": str(policy.max_failed_attempts),
    }
    return {name: every[name] for name in spec.placeholders}
