"""Catalogue texts (French, English) for `--help`; merged into engine.messages.

Keys (read by cli/help_texts.py, checked by tests/cli_tests/test_cli_help.py):
- `help.<command path>`: a command's or a group's help, path words joined by dots
  (`help.account.show`); its first paragraph is the summary its group lists.
  The root is `help.sesame`.
- `help.<command path>.<parameter>`: one option's or argument's help, by the Python
  name of the parameter (`help.account.import.dry_run` for `--dry-run`).
- `help.*.<parameter>`: the help of a parameter shared by many commands (`--json`,
  an identifier), used where no `help.<command path>.<parameter>` is given.
"""

from engine import messages_help_operations, messages_help_support, messages_help_templates

_IDENT = ("NIR ou adresse email enregistrée.", "NIR or registered email.")
_REASON = (
    "Pourquoi (enregistré dans le journal d'audit avec l'auteur).",
    "Why (recorded in the audit log with the actor).",
)

TEXTS: dict[str, tuple[str, str]] = {
    "heading.commands": ("Commandes", "Commands"),
    # --- shared by many commands ----------------------------------------------
    "help.*.help": ("Afficher cette aide et quitter.", "Show this message and exit."),
    "help.*.json_output": (
        "Écrire exactement un document JSON sur la sortie standard.",
        "Print exactly one JSON document on stdout.",
    ),
    "help.*.csv_output": ("CSV avec une ligne d'en-tête.", "CSV with a header row."),
    "help.*.ident": _IDENT,
    "help.*.dob": ("Date de naissance, jj/mm/aaaa.", "Date of birth, dd/mm/yyyy."),
    "help.*.channel": ("sms ou email.", "sms or email."),
    "help.*.reason": _REASON,
    # --- the root -------------------------------------------------------------
    "help.sesame": (
        "Blocage des comptes et déblocage en libre-service (Débloquez votre compte).",
        "Account lockout and self-service recovery (Débloquez votre compte).",
    ),
    "help.sesame.home": (
        "Contient sesame.db, outbox/, sesame.toml.",
        "Holds sesame.db, outbox/, sesame.toml.",
    ),
    "help.sesame.db": (
        "Un chemin de fichier SQLite ou une URL SQLAlchemy.",
        "A SQLite file path or a SQLAlchemy URL.",
    ),
    "help.sesame.outbox": ("Où les messages sont écrits.", "Where messages are written."),
    "help.sesame.config": ("Chemin de sesame.toml.", "Path of sesame.toml."),
    "help.sesame.lang": (
        "fr ou en (par défaut : selon la locale).",
        "fr or en (default: from the locale).",
    ),
    "help.sesame.actor": (
        "Qui agit, pour le journal d'audit.",
        "Who acts, for the audit log.",
    ),
    "help.sesame.debug": (
        "Afficher la pile d'appels des erreurs internes.",
        "Show a traceback on internal errors.",
    ),
    "help.sesame.version": ("Afficher la version.", "Show the version."),
    # --- the member's procedure ----------------------------------------------
    "help.login": (
        "Connectez-vous avec votre NIR (ou email) et votre mot de passe (demandé).",
        "Log in with your NIR (or email) and password (prompted).",
    ),
    "help.unlock": (
        "Débloquez votre compte : NIR (ou email) et date de naissance, puis un canal.",
        "Unlock your account: NIR (or email) and date of birth, then a channel.",
    ),
    "help.forgot": (
        "Mot de passe oublié : la même procédure pour un compte qui n'est pas bloqué.",
        "Forgotten password: the same procedure for an account that is not locked.",
    ),
    "help.send-code": (
        "Envoyer (ou renvoyer) le mot de passe temporaire ou le lien sur un canal.",
        "Send (or send again) the temporary password or link on a channel.",
    ),
    "help.send-code.flow": (
        "L'identifiant de demande donné par unlock/forgot.",
        "The flow id given by unlock/forgot.",
    ),
    "help.reset": (
        "Choisir un nouveau mot de passe avec le mot de passe temporaire du SMS (ID) "
        "ou le lien de l'email (--token).",
        "Set a new password with the SMS temporary password (ID) or the email link (--token).",
    ),
    "help.reset.ident": ("NIR ou email, après un SMS.", "NIR or email, after an SMS."),
    "help.reset.token": (
        "'-' : tapez ou envoyez par un tube le lien de l'email (jamais en argument : "
        "ps le montre).",
        "'-': type or pipe the link from the email (never an argument: ps shows it).",
    ),
}

# The support and operations commands' texts, kept apart for size.
TEXTS.update(messages_help_support.TEXTS)
TEXTS.update(messages_help_operations.TEXTS)
TEXTS.update(messages_help_templates.TEXTS)
