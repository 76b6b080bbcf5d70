"""Catalogue help texts (French, English) of `sesame templates`; merged into
engine.messages_help."""

TEXTS: dict[str, tuple[str, str]] = {
    "help.templates": (
        "Les textes que reçoivent les adhérents (SMS, emails) et leurs remplacements.\n\n"
        "Chaque message peut être remplacé, par langue, par un fichier du dossier de sesame : "
        "templates/LANGUE/NOM.txt (voir templates list).",
        "The texts members receive (SMS, emails) and their overrides.\n\n"
        "Each message can be overridden, per language, by a file in sesame's home: "
        "templates/LANG/NAME.txt (see templates list).",
    ),
    "help.templates.list": (
        "Lister les messages : langue, fichier qui le remplace, paramètres.",
        "List the messages: language, the file overriding it, placeholders.",
    ),
    "help.templates.show": (
        "Afficher un message rempli avec des valeurs d'exemple.",
        "Show a message filled with sample values.",
    ),
    "help.templates.show.name": (
        "Le nom du message (voir templates list).",
        "The message's name (see templates list).",
    ),
    "help.templates.show.lang": (
        "La langue du message (défaut : celle de --lang).",
        "The message's language (default: that of --lang).",
    ),
    "help.templates.check": (
        "Vérifier chaque fichier de templates/ ; pour les SMS, codage et nombre de SMS.\n\n"
        "Le nombre de SMS est compté avec les valeurs les plus longues possibles (GSM 03.38 : "
        "160 caractères, 153 par partie ; un seul caractère hors de cet alphabet passe le "
        "message en UCS-2 : 70, 67 par partie) ; au-delà de 2, un avertissement. Sortie 2 "
        "quand un fichier est refusé.",
        "Check every file in templates/; for the SMS, encoding and number of SMS.\n\n"
        "The number of SMS is counted with the longest possible values (GSM 03.38: 160 "
        "characters, 153 per part; one character outside that alphabet sends the message "
        "in UCS-2: 70, 67 per part); above 2, a warning. Exit 2 when a file is refused.",
    ),
}
