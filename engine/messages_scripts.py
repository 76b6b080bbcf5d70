"""Catalogue texts (French, English) of what a message's state changes in what
a person reads: a message queued for onward delivery "will be sent" (the queue
transport), one written to the outbox "was sent"; merged into engine.messages."""

TEXTS: dict[str, tuple[str, str]] = {
    # --- the member, with the queue transport: not sent yet ---------------------------
    "code_queued.sms": (
        "Un SMS contenant un mot de passe temporaire va être envoyé au {destination}. "
        "Il est valable jusqu'à {expires}.\n"
        "Connectez-vous avec votre n° de sécurité sociale et ce mot de passe : sesame login "
        "{ident}\n"
        "Si vous ne recevez aucun SMS, refaites l'opération en choisissant l'adresse email : "
        "sesame send-code {flow} --channel email",
        "An SMS with a temporary password will be sent to {destination}. It is valid until "
        "{expires}.\n"
        "Log in with your social-security number and this password: sesame login {ident}\n"
        "If no SMS arrives, do it again choosing email: sesame send-code {flow} --channel email",
    ),
    "code_queued.email": (
        "Un email contenant un lien pour changer de mot de passe va être envoyé à "
        "{destination}. Il est valable jusqu'à {expires}.\n"
        "Cliquez sur le lien, ou : sesame reset --token -",
        "An email with a link to change your password will be sent to {destination}. "
        "It is valid until {expires}.\n"
        "Click the link, or: sesame reset --token -",
    ),
    # --- support, with the queue transport ----------------------------------------------
    "support.reset_queued.sms": (
        "Mot de passe temporaire en attente d'envoi par SMS au {destination} (demande "
        "{flow}, valable jusqu'au {expires}). Le membre se connecte avec : sesame login {nir}",
        "Temporary password queued, to be sent by SMS to {destination} (flow {flow}, valid "
        "until {expires}). The member logs in with: sesame login {nir}",
    ),
    "support.reset_queued.email": (
        "Lien de réinitialisation en attente d'envoi par email à {destination} (demande "
        "{flow}, valable jusqu'au {expires}).",
        "Reset link queued, to be sent by email to {destination} (flow {flow}, valid until "
        "{expires}).",
    ),
    # --- the channel choice: one runnable command per line --------------------------------
    "choose_channel.commands": (
        "Puis l'une de ces commandes :",
        "Then one of these commands:",
    ),
    # --- outbox show: where the secret is, by the message's status -----------------------
    "outbox.secret.queued": ("[secret masqué, pas encore envoyé]", "[secret hidden, not sent yet]"),
    "outbox.secret.failed": ("[secret masqué, pas encore envoyé]", "[secret hidden, not sent yet]"),
    "outbox.secret.sent": ("[secret retiré après envoi]", "[secret removed after sending]"),
    "outbox.secret.abandoned": (
        "[secret effacé, jamais envoyé]",
        "[secret erased, never sent]",
    ),
    # --- the dashboard: files no consumer has taken yet --------------------------------
    "dashboard.waiting_files": (
        "Fichiers en attente de lecture dans {folder}/*/new : {count} "
        "(le plus ancien : {age}, écrit le {modified})",
        "Files waiting to be read in {folder}/*/new: {count} "
        "(oldest {age} old, written {modified})",
    ),
    "dashboard.no_waiting_files": (
        "Aucun fichier en attente de lecture dans {folder}/*/new.",
        "No file waiting to be read in {folder}/*/new.",
    ),
    # --- policy check: what was read, what passed -----------------------------------------
    "policy.config_file": ("Configuration lue : {path}", "Configuration read: {path}"),
    "policy.config_defaults": (
        "Aucun fichier de configuration ({path} absent) : réglages par défaut.",
        "No configuration file ({path} not found): the defaults.",
    ),
    "policy.passed": (
        "Contrôles satisfaits ({count}) :",
        "Checks passed ({count}):",
    ),
}
