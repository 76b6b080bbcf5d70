"""What the member receives (the SMS and the emails), in French and English: the
default templates (`engine.message_templates`), which the operator may override
one by one with files in the home (`templates/<lang>/<name>.txt`).

`string.Template` syntax: `$code` or `${code}`, `$$` for a dollar sign. Each
message's placeholders are declared in `engine.message_templates.SPECS`.
"""

TEMPLATES: dict[str, tuple[str, str]] = {
    "sms_temporary_password": (
        "${organization} - votre mot de passe temporaire :\n${code}\n"
        "Valable ${minutes} min. Utilisez-le avec votre n° de sécurité sociale. "
        "Ne le communiquez à personne.",
        "${organization} - your temporary password:\n${code}\n"
        "Valid for ${minutes} min. Use it with your social-security number. "
        "Never share it.",
    ),
    "email_reset_link.subject": (
        "${organization} : changez votre mot de passe",
        "${organization}: change your password",
    ),
    "email_reset_link": (
        "Bonjour,\n\nVous avez demandé à débloquer votre compte ou à changer votre mot de "
        "passe. Cliquez sur le lien ci-dessous pour enregistrer un nouveau mot de passe "
        "(valable ${minutes} minutes, utilisable une seule fois) :\n\n${link}\n\n"
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.\n\n"
        "${organization}\n",
        "Hello,\n\nYou asked to unlock your account or to change your password. Click the "
        "link below to set a new password (valid for ${minutes} minutes, single use):\n\n"
        "${link}\n\nIf you did not ask for this, ignore this message.\n\n${organization}\n",
    ),
    "email_locked.subject": (
        "${organization} : vos identifiants sont bloqués",
        "${organization}: your credentials are locked",
    ),
    "email_locked": (
        "Bonjour,\n\nAprès ${max_failed_attempts} tentatives infructueuses, vos identifiants "
        "sont bloqués.\nPour débloquer votre compte, indiquez votre n° de sécurité sociale et "
        "votre date de naissance dans « Débloquez votre compte ».\n\n"
        "Si vous n'êtes pas à l'origine de ces tentatives, contactez le support.\n\n"
        "${organization}\n",
        "Hello,\n\nAfter ${max_failed_attempts} failed attempts your credentials are locked.\n"
        "To unlock your account, give your social-security number and your date of birth "
        'in "Unlock your account".\n\n'
        "If these attempts were not yours, please contact support.\n\n${organization}\n",
    ),
    "email_channels_changed.subject": (
        "${organization} : vos moyens de contact ont été modifiés",
        "${organization}: your contact details were changed",
    ),
    "email_channels_changed": (
        "Bonjour,\n\nLe téléphone portable ou l'adresse email de votre Espace personnel vient "
        "d'être modifié par le support. Les demandes de déblocage en cours sont annulées.\n\n"
        "Si vous n'êtes pas à l'origine de ce changement, contactez le support sans "
        "attendre.\n\n${organization}\n",
        "Hello,\n\nThe mobile phone or email address of your personal space has just been "
        "changed by support. Recoveries in progress are cancelled.\n\n"
        "If you did not ask for this change, contact support at once.\n\n${organization}\n",
    ),
    "email_password_changed.subject": (
        "${organization} : votre mot de passe a été modifié",
        "${organization}: your password was changed",
    ),
    "email_password_changed": (
        "Bonjour,\n\nLe mot de passe de votre Espace personnel vient d'être modifié.\n\n"
        "Si vous n'êtes pas à l'origine de ce changement, contactez le support sans "
        "attendre.\n\n${organization}\n",
        "Hello,\n\nThe password of your personal space has just been changed.\n\n"
        "If you did not make this change, contact support at once.\n\n${organization}\n",
    ),
}
