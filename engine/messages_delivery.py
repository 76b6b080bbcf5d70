"""Catalogue texts (French, English) for the delivery commands; merged into engine.messages."""

TEXTS: dict[str, tuple[str, str]] = {
    # --- refusals ---------------------------------------------------------------
    "transport_is_queue": (
        "Les messages sont mis en file d'attente pour un envoi par SMTP ou par une passerelle "
        'SMS ([outbox] transport = "queue") : ils ne sont pas écrits en fichiers. '
        "Envoyez-les avec sesame outbox deliver.",
        "Messages are queued for delivery over SMTP or an SMS gateway "
        '([outbox] transport = "queue"): they are not written to files. '
        "Send them with sesame outbox deliver.",
    ),
    "transport_is_files": (
        'Les messages sont écrits en fichiers ([outbox] transport = "files") : '
        "sesame outbox flush écrit ceux qui restent. Pour les envoyer par SMTP ou par une "
        'passerelle SMS, indiquez transport = "queue" dans la section [outbox] de sesame.toml.',
        'Messages are written to files ([outbox] transport = "files"): sesame outbox flush '
        "writes any left behind. To send them over SMTP or an SMS gateway, set "
        'transport = "queue" in the [outbox] section of sesame.toml.',
    ),
    "message_not_retryable": (
        "Le message {id} est « {status} » : seuls les messages en échec (failed) ou abandonnés "
        "(abandoned) peuvent être remis en file d'attente.",
        "Message {id} is '{status}': only failed or abandoned messages can be queued again.",
    ),
    "message_secret_erased": (
        "Le message {id} a été abandonné et son mot de passe temporaire ou son lien a été "
        "effacé : il ne peut plus être envoyé. Le membre doit refaire une demande "
        "(sesame unlock ou sesame forgot).",
        "Message {id} was abandoned and its temporary password or link erased: it can no "
        "longer be sent. The member must start again (sesame unlock or sesame forgot).",
    ),
    "invalid.smtp_address": (
        "Serveur SMTP invalide : « {value} » (attendu HÔTE:PORT, par exemple smtp.example:587).",
        "Invalid SMTP server: '{value}' (expected HOST:PORT, e.g. smtp.example:587).",
    ),
    "invalid.sms_command": (
        "Commande SMS invalide : {detail}",
        "Invalid SMS command: {detail}",
    ),
    "invalid.delivery_csv_json": (
        "--csv et --json ne vont pas ensemble : choisissez l'un des deux.",
        "--csv and --json do not go together: choose one.",
    ),
    "invalid.delivery_show": (
        "Indiquez MESSAGE_ID ou --last, pas les deux.",
        "Give MESSAGE_ID or --last, not both.",
    ),
    "invalid.delivery_retry": (
        "Indiquez MESSAGE_ID ou --failed, pas les deux.",
        "Give MESSAGE_ID or --failed, not both.",
    ),
    # --- prompts and results --------------------------------------------------------
    "prompt.smtp_password": (
        "Mot de passe SMTP de {user} : ",
        "SMTP password for {user}: ",
    ),
    "delivery_pass": (
        "{sent} message(s) envoyé(s), {failed} en échec, {abandoned} abandonné(s).",
        "{sent} message(s) sent, {failed} failed, {abandoned} abandoned.",
    ),
    "messages_requeued": (
        "{requeued} message(s) remis en file d'attente ; {erased} abandonné(s) sans secret "
        "laissé(s) de côté (le membre doit refaire une demande).",
        "{requeued} message(s) queued again; {erased} abandoned without their secret left "
        "aside (the member must start again).",
    ),
    "no_messages": ("Aucun message.", "No messages."),
}
