"""Catalogue texts (French, English) of the member pages (`sesame serve`);
merged into engine.messages. The procedure's sentences themselves (results,
refusals, channels) are the commands' entries; these are the pages' own words:
titles, labels, buttons, links, and the refusals whose command-line text
names a command where a page has a link."""

TEXTS: dict[str, tuple[str, str]] = {
    "web.lang_switch": ("English", "Français"),
    "web.signin.title": ("Connexion à votre Espace personnel", "Sign in to your personal space"),
    "web.signin.submit": ("Se connecter", "Sign in"),
    "web.field.nir": ("N° de sécurité sociale", "Social-security number"),
    "web.field.ident": (
        "N° de sécurité sociale ou adresse email",
        "Social-security number or email address",
    ),
    "web.field.password": ("Mot de passe", "Password"),
    "web.field.dob": ("Date de naissance", "Date of birth"),
    "web.field.dob_format": ("Format : jj/mm/aaaa", "Format: dd/mm/yyyy"),
    "web.field.new_password": ("Votre nouveau mot de passe", "Your new password"),
    "web.field.confirmation": ("Confirmez votre nouveau mot de passe", "Confirm your new password"),
    "web.link.unlock": ("Débloquez votre compte", "Unlock your account"),
    "web.link.forgot": ("Mot de passe oublié ?", "Forgotten password?"),
    "web.link.signin": ("Se connecter", "Sign in"),
    "web.link.restart": ("Recommencer", "Start again"),
    "web.unlock.title": ("Débloquez votre compte", "Unlock your account"),
    "web.forgot.title": ("Mot de passe oublié", "Forgotten password"),
    "web.recover.intro": (
        "Saisissez votre n° de sécurité sociale ou votre adresse email, et votre date de "
        "naissance.",
        "Enter your social-security number or your email address, and your date of birth.",
    ),
    "web.submit": ("Valider", "Continue"),
    "web.channel.title": ("Recevoir vos identifiants", "Receive your sign-in details"),
    "web.channel.submit": ("Envoyer", "Send"),
    "web.sent.title": ("Message envoyé", "Message sent"),
    "web.sent.sms": (
        "Un SMS contenant un mot de passe temporaire a été envoyé au {destination}. "
        "Il est valable jusqu'à {expires}.",
        "An SMS with a temporary password was sent to {destination}. It is valid until {expires}.",
    ),
    "web.sent.sms.next": (
        "Connectez-vous avec votre n° de sécurité sociale et ce mot de passe temporaire.",
        "Sign in with your social-security number and this temporary password.",
    ),
    "web.sent.sms.other": (
        "Si vous ne recevez aucun SMS, refaites l'opération en choisissant l'adresse email :",
        "If no SMS arrives, do it again choosing email:",
    ),
    "web.sent.email": (
        "Un email contenant un lien pour changer de mot de passe a été envoyé à "
        "{destination}. Il est valable jusqu'à {expires}.",
        "An email with a link to change your password was sent to {destination}. "
        "It is valid until {expires}.",
    ),
    "web.sent.email.next": (
        "Cliquez sur le lien qu'il contient.",
        "Click the link it contains.",
    ),
    "web.sent.queued": (
        "Le message est en attente d'envoi.",
        "The message is waiting to be sent.",
    ),
    "web.password.title": ("Choisissez votre nouveau mot de passe", "Choose your new password"),
    "web.password.continue": (
        "Votre lien est valide. Continuez pour choisir votre nouveau mot de passe.",
        "Your link is valid. Continue to choose your new password.",
    ),
    "web.password.continue.link": ("Continuer", "Continue"),
    "web.done.title": ("Mot de passe modifié", "Password changed"),
    "web.welcome.title": ("Espace personnel", "Personal space"),
    "web.refused.title": ("Demande refusée", "Request refused"),
    "web.refusal.no_open_flow": (
        "Aucune demande de déblocage en cours.",
        "No recovery in progress.",
    ),
    "web.refusal.flow_expired": ("Votre demande a expiré.", "Your request has expired."),
    "web.refusal.code_expired": (
        "Ce mot de passe temporaire ou ce lien a expiré.",
        "This temporary password or link has expired.",
    ),
    "web.refusal.too_many_attempts": (
        "Trop d'essais : la demande est annulée.",
        "Too many tries: the request is cancelled.",
    ),
    "web.refusal.session_expired": (
        "Cette page a expiré ou la demande est déjà terminée.",
        "This page has expired or the request is already complete.",
    ),
    "web.refusal.forbidden": (
        "Ce formulaire a expiré ou n'a pas été envoyé depuis cette page. Rechargez la page et "
        "recommencez.",
        "This form has expired or was not sent from this page. Reload the page and try again.",
    ),
    "web.refusal.not_found": ("Page introuvable.", "Page not found."),
    "web.refusal.unavailable": (
        "Le service est momentanément indisponible. Réessayez plus tard.",
        "The service is temporarily unavailable. Please try again later.",
    ),
    "invalid.web_missing": (
        "Les pages du membre demandent Flask et gunicorn : pip install 'sesame[web]' ({detail})",
        "The member pages need Flask and gunicorn: pip install 'sesame[web]' ({detail})",
    ),
    # --- sesame demo --web ---------------------------------------------------
    "demo.web.ready": (
        "Les pages du membre : {url}\n"
        "Membre de démonstration : NIR {nir}, né(e) le {dob}, mot de passe « {password} »\n"
        "Les SMS arrivent dans {sms}\n"
        "Les emails arrivent dans {mail}\n"
        "Ctrl-C pour arrêter (le dossier jetable est alors supprimé).",
        "The member pages: {url}\n"
        "Demo member: NIR {nir}, born {dob}, password '{password}'\n"
        "SMS arrive in {sms}\n"
        "Emails arrive in {mail}\n"
        "Ctrl-C to stop (the throw-away home is then deleted).",
    ),
}
