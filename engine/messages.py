"""The message catalogue: every text a person reads, in French and English,
keyed by stable codes. French follows the insurer's published procedure."""

from __future__ import annotations

from collections.abc import Mapping

from engine import (
    messages_delivery,
    messages_explain,
    messages_help,
    messages_input,
    messages_labels,
    messages_language,
    messages_lockout,
    messages_operations,
    messages_scripts,
    messages_shell,
    messages_storage,
    messages_support,
    messages_templates,
    messages_web,
)
from engine.languages import LANGS as LANGS  # the catalogue's languages, re-exported

_T: dict[str, tuple[str, str]] = {
    # --- refusals (keyed by SesameError.code) ------------------------------
    "auth_failed": (
        "Identifiant ou mot de passe incorrect.",
        "Wrong identifier or password.",
    ),
    "account_locked": (
        "Après {max_failed_attempts} tentatives infructueuses, vos identifiants sont bloqués.\n"
        "Débloquez votre compte : sesame unlock {ident} --dob jj/mm/aaaa",
        "After {max_failed_attempts} failed attempts your credentials are locked.\n"
        "Unlock your account: sesame unlock {ident} --dob dd/mm/yyyy",
    ),
    "account_disabled": (
        "Votre compte est désactivé. Contactez le support.",
        "Your account is disabled. Please contact support.",
    ),
    "identity_mismatch": (
        "Les informations saisies ne permettent pas de vous identifier. "
        "Vérifiez votre identifiant et votre date de naissance.",
        "The information given does not identify an account. "
        "Check your identifier and your date of birth.",
    ),
    "account_not_locked": (
        "Votre compte n'est pas bloqué.\n"
        "Si vous avez oublié votre mot de passe : sesame forgot {ident} --dob jj/mm/aaaa",
        "Your account is not locked.\n"
        "If you forgot your password: sesame forgot {ident} --dob dd/mm/yyyy",
    ),
    "account_exists": (
        "Un compte existe déjà avec ce n° de sécurité sociale ou cette adresse email.",
        "An account already exists with this social-security number or email address.",
    ),
    "no_channel": (
        "Aucun téléphone portable ni adresse email n'est connu pour votre compte. "
        "Contactez le support.",
        "No mobile phone or email address is known for your account. Please contact support.",
    ),
    "channel_unavailable": (
        "Ce canal n'est pas disponible pour votre compte. Seuls les numéros de portable en "
        "France métropolitaine permettent de recevoir un SMS.",
        "This channel is not available for your account. Only mobile numbers of "
        "metropolitan France can receive an SMS.",
    ),
    "no_open_flow": (
        "Aucune demande de déblocage en cours. Recommencez : sesame unlock ou sesame forgot.",
        "No recovery in progress. Start again: sesame unlock or sesame forgot.",
    ),
    "flow_expired": (
        "Votre demande a expiré. Recommencez : sesame unlock ou sesame forgot.",
        "Your request has expired. Start again: sesame unlock or sesame forgot.",
    ),
    "rate_limited": (
        "Trop de tentatives. Réessayez dans {retry_after} secondes.",
        "Too many attempts. Try again in {retry_after} seconds.",
    ),
    "code_invalid": (
        "Mot de passe temporaire ou lien invalide.",
        "Invalid temporary password or link.",
    ),
    "code_expired": (
        "Ce mot de passe temporaire ou ce lien a expiré. Recommencez : sesame unlock ou "
        "sesame forgot.",
        "This temporary password or link has expired. Start again: sesame unlock or sesame forgot.",
    ),
    "code_used": (
        "Ce mot de passe temporaire ou ce lien a déjà été utilisé.",
        "This temporary password or link has already been used.",
    ),
    "too_many_attempts": (
        "Trop d'essais : la demande est annulée. Recommencez : sesame unlock ou sesame forgot.",
        "Too many tries: the request is cancelled. Start again: sesame unlock or sesame forgot.",
    ),
    "password_mismatch": (
        "Les deux mots de passe saisis ne sont pas identiques.",
        "The two passwords do not match.",
    ),
    "weak_password": (
        "Votre nouveau mot de passe est refusé :",
        "Your new password is refused:",
    ),
    "password_change_required": (
        "Vous devez choisir un nouveau mot de passe. Votre mot de passe temporaire reste "
        "valable jusqu'à son expiration : sesame reset {ident}",
        "You must choose a new password. Your temporary password stays valid until it "
        "expires: sesame reset {ident}",
    ),
    "not_found": ("Compte introuvable.", "No such account."),
    "message_not_found": ("Message introuvable.", "No such message."),
    "storage_unavailable": (
        "Stockage indisponible : {detail}",
        "Storage unavailable: {detail}",
    ),
    "invalid_input": ("Saisie invalide.", "Invalid input."),
    "internal_error": ("Erreur interne : {detail}", "Internal error: {detail}"),
    "access_denied": (
        "Accès refusé : cette commande est réservée au groupe « {group} » (utilisateur {user}).",
        "Access denied: this command is reserved for the group '{group}' (user {user}).",
    ),
    "access.override": (
        "Accès refusé : {option} est réservé au groupe « {group} » sur cette installation "
        "(son sesame.toml a une section [access]) (utilisateur {user}).",
        "Access denied: {option} is reserved for the group '{group}' on this installation "
        "(its sesame.toml has an [access] section) (user {user}).",
    ),
    "missing_input": (
        "Saisie manquante : {what}.",
        "Missing input: {what}.",
    ),
    # --- results ------------------------------------------------------------
    "logged_in": ("Connexion réussie", "Logged in"),
    "temporary_password_accepted": (
        "Mot de passe temporaire accepté. Choisissez votre nouveau mot de passe.",
        "Temporary password accepted. Choose your new password.",
    ),
    "code_verified": (
        "Code vérifié. Choisissez votre nouveau mot de passe.",
        "Code verified. Choose your new password.",
    ),
    "password_changed": (
        "Votre mot de passe a été modifié. Vous pouvez accéder à votre Espace personnel.",
        "Your password has been changed. You can access your personal space.",
    ),
    "account_created": ("Compte créé : {nir}", "Account created: {nir}"),
    "account_imported": ("Compte importé : {nir}", "Account imported: {nir}"),
    "auto_channel.sms": (
        "Seul votre téléphone portable est connu : il a été utilisé automatiquement.",
        "Only your mobile phone is known: it was used automatically.",
    ),
    "auto_channel.email": (
        "Seule votre adresse email est connue : elle a été utilisée automatiquement.",
        "Only your email address is known: it was used automatically.",
    ),
    "code_sent.sms": (
        "Un SMS contenant un mot de passe temporaire a été envoyé au {destination}. "
        "Il est valable jusqu'à {expires}.\n"
        "Connectez-vous avec votre n° de sécurité sociale et ce mot de passe : sesame login "
        "{ident}\n"
        "Si vous ne recevez aucun SMS, refaites l'opération en choisissant l'adresse email : "
        "sesame send-code {flow} --channel email",
        "An SMS with a temporary password was sent to {destination}. It is valid until "
        "{expires}.\n"
        "Log in with your social-security number and this password: sesame login {ident}\n"
        "If no SMS arrives, do it again choosing email: sesame send-code {flow} --channel email",
    ),
    "code_sent.email": (
        "Un email contenant un lien pour changer de mot de passe a été envoyé à "
        "{destination}. Il est valable jusqu'à {expires}.\n"
        "Cliquez sur le lien, ou : sesame reset --token -",
        "An email with a link to change your password was sent to {destination}. "
        "It is valid until {expires}.\n"
        "Click the link, or: sesame reset --token -",
    ),
    "choose_channel": (
        "Choisissez comment vous souhaitez recevoir vos identifiants de connexion :",
        "Choose how you want to receive your sign-in details:",
    ),
    "choose_channel.sms": ("Au {destination}", "By SMS to {destination}"),
    "choose_channel.email": ("A {destination}", "By email to {destination}"),
    "choose_channel.prompt": (
        "Votre choix [1-{count}] : ",
        "Your choice [1-{count}]: ",
    ),
    "messages_flushed": (
        "{count} message(s) délivré(s).",
        "{count} message(s) delivered.",
    ),
    "schema_upgraded": (
        "Schéma de la base à jour (révision {revision}).",
        "Database schema up to date (revision {revision}).",
    ),
    # --- prompts --------------------------------------------------------------
    "prompt.password": ("Mot de passe : ", "Password: "),
    "prompt.temporary_password": (
        "Mot de passe temporaire (reçu par SMS) : ",
        "Temporary password (from the SMS): ",
    ),
    "prompt.token": (
        "Lien ou jeton reçu par email : ",
        "Link or token from the email: ",
    ),
    "prompt.new_password": (
        "Votre nouveau mot de passe : ",
        "Your new password: ",
    ),
    "prompt.confirm_password": (
        "Confirmez votre nouveau mot de passe : ",
        "Confirm your new password: ",
    ),
}

_T.update(messages_storage.TEXTS)
_T.update(messages_input.TEXTS)
_T.update(messages_support.TEXTS)
_T.update(messages_delivery.TEXTS)
_T.update(messages_operations.TEXTS)
_T.update(messages_language.TEXTS)
_T.update(messages_help.TEXTS)
_T.update(messages_labels.TEXTS)
_T.update(messages_explain.TEXTS)
_T.update(messages_scripts.TEXTS)
_T.update(messages_lockout.TEXTS)
_T.update(messages_web.TEXTS)
_T.update(messages_templates.TEXTS)
_T.update(messages_shell.TEXTS)

REDACTED = "[secret retiré après envoi]"
# Codes whose message depends on a finer reason.
_REASON_PREFIX = {
    "invalid_input": "invalid",
    "storage_unavailable": "storage",
    "access_denied": "access",
    "send_limited": "send_limited",
    "account_not_locked": "account_not_locked",
}


def text(key: str, lang: str, params: Mapping[str, object] | None = None) -> str:
    """The catalogue text for `key` in `lang`, filled with `params`."""
    fr, en = _T[key]
    template = en if lang == "en" else fr
    return template.format(**params) if params else template


def has(key: str) -> bool:
    return key in _T


def error_message(code: str, reason: str | None, params: Mapping[str, object], lang: str) -> str:
    """The message for a refusal, including every reason of a weak password."""
    prefix = _REASON_PREFIX.get(code)
    key = f"{prefix}.{reason}" if prefix and reason else code
    if not has(key):
        key = "internal_error"
        params = {"detail": code if reason is None else f"{code}: {reason}"}
    message = text(key, lang, _with_defaults(params, lang))
    if code == "weak_password":
        reasons = params.get("reasons", ())
        assert isinstance(reasons, tuple)
        lines = [text(f"weak.{r}", lang, params) for r in reasons]
        message += "".join(f"\n- {line}" for line in lines)
    return message


def _with_defaults(params: Mapping[str, object], lang: str) -> dict[str, object]:
    """An identifier the member did not give is shown as a placeholder to fill in; a
    `detail_key` names a `detail.<key>` text of the catalogue, filled with the params."""
    values: dict[str, object] = {"ident": text("placeholder.ident", lang), "detail": "", "what": ""}
    values.update(params)
    detail_key = params.get("detail_key")
    if isinstance(detail_key, str):
        values["detail"] = text(f"detail.{detail_key}", lang, values)
    return values
