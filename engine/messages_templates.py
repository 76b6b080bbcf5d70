"""Catalogue texts (French, English) of the operator's message templates: their
refusals and `sesame templates`; merged into engine.messages. (The templates
themselves, what the member reads, are in engine.messages_member.)"""

TEXTS: dict[str, tuple[str, str]] = {
    # --- refusals (invalid_input, reason config_template_*) ---------------------
    "invalid.config_template_name": (
        "Modèle de message inconnu : {path} (attendu templates/LANGUE/NOM.txt, LANGUE "
        "parmi {langs}, NOM.txt parmi {names}).",
        "Unknown message template: {path} (expected templates/LANG/NAME.txt, LANG one of "
        "{langs}, NAME.txt one of {names}).",
    ),
    "invalid.config_template_encoding": (
        "Modèle de message {path} : pas en UTF-8 (octet {offset}).",
        "Message template {path}: not UTF-8 (byte {offset}).",
    ),
    "invalid.config_template_empty": (
        "Modèle de message {path} : vide.",
        "Message template {path}: empty.",
    ),
    "invalid.config_template_length": (
        "Modèle de message {path} : plus de {high} caractères.",
        "Message template {path}: longer than {high} characters.",
    ),
    "invalid.config_template_subject_line": (
        "Modèle de message {path} : un objet d'email tient sur une seule ligne.",
        "Message template {path}: an email subject is a single line.",
    ),
    "invalid.config_template_text": (
        "Modèle de message {path}, ligne {line} : caractère interdit ({char}) : caractères "
        "de contrôle, de mise en forme et séparateurs de ligne ne peuvent pas figurer dans "
        "un message.",
        "Message template {path}, line {line}: forbidden character ({char}): control, "
        "formatting and line-separator characters cannot go into a message.",
    ),
    "invalid.config_template_syntax": (
        "Modèle de message {path}, ligne {line} : un $ n'introduit aucun paramètre "
        "(écrivez $nom ou ${{nom}}, et $$ pour le signe dollar).",
        "Message template {path}, line {line}: a $ starts no placeholder "
        "(write $name or ${{name}}, and $$ for a dollar sign).",
    ),
    "invalid.config_template_placeholder": (
        "Modèle de message {path} : paramètre inconnu {placeholder} (possibles : {allowed}).",
        "Message template {path}: unknown placeholder {placeholder} (allowed: {allowed}).",
    ),
    "invalid.config_template_required": (
        "Modèle de message {path} : {placeholder} doit figurer une fois, seul sur sa ligne "
        "(c'est la ligne que reçoivent les scripts et qui est effacée après l'envoi).",
        "Message template {path}: {placeholder} must appear once, alone on its line (the "
        "line scripts receive and that is erased after sending).",
    ),
    "invalid.template_unknown": (
        "Modèle de message inconnu : {name} (voir sesame templates list).",
        "Unknown message template: {name} (see sesame templates list).",
    ),
    # --- sesame templates ---------------------------------------------------------
    "templates_refused": (
        "{count} modèle(s) de message refusé(s) : aucune commande qui les enverrait ne démarrera.",
        "{count} message template(s) refused: no command that would send them will start.",
    ),
    "templates.default": ("(défaut)", "(default)"),
    "templates.ok": ("ok", "ok"),
    "templates.refused": ("refusé", "refused"),
    "templates.required": ("{placeholder} (obligatoire)", "{placeholder} (required)"),
    "templates.segments_warning": (
        "Attention : {name} ({lang}) fait {segments} SMS ({encoding}) avec les valeurs les "
        "plus longues : plus de 2.",
        "Warning: {name} ({lang}) takes {segments} SMS ({encoding}) with the longest "
        "values: more than 2.",
    ),
    "templates.all_ok": (
        "{count} modèle(s) vérifié(s), aucun refusé.",
        "{count} template(s) checked, none refused.",
    ),
}
