"""Errors a user can cause: stable codes, HTTP status, and messages in French and English.

Only `web/` turns a `CauserieError` into an error frame or an HTTP answer. Anything else raised is a
bug, and only bugs write a traceback to the log.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Text(NamedTuple):
    """A message parameter written in both languages: the French message shows `fr`, the English one `en`.

    A detail a person or a moderator can cause is a `Text` (never an English-only str); plain params
    (numbers, names, codes) are the same in both languages and stay as they are.
    """

    fr: str
    en: str


def technical(detail: str) -> Text:
    """A library's validation message (English, for client developers), marked as such in French."""
    return Text(fr=f"{detail} (détail technique, en anglais)", en=detail)


class ErrorSpec(NamedTuple):
    status: int
    fr: str
    en: str


CATALOGUE: dict[str, ErrorSpec] = {
    # transport and framing
    "bad_json": ErrorSpec(400, "Trame illisible : ce n'est pas du JSON valide.", "Unreadable frame: not valid JSON."),
    "bad_frame": ErrorSpec(400, "Trame invalide : {detail}", "Invalid frame: {detail}"),
    "unknown_type": ErrorSpec(400, "Type de trame inconnu.", "Unknown frame type."),
    "not_authenticated": ErrorSpec(401, "Entrez d'abord dans le chat.", "Enter the chat first."),
    "already_authenticated": ErrorSpec(400, "Vous êtes déjà connecté.", "You are already connected."),
    "token_invalid": ErrorSpec(401, "Session inconnue ou terminée.", "Unknown or ended session."),
    "not_found": ErrorSpec(404, "Introuvable.", "Not found."),
    "method_not_allowed": ErrorSpec(405, "Méthode non permise.", "Method not allowed."),
    # entry
    "pseudo_invalid": ErrorSpec(
        422,
        "Le pseudo doit faire 3 à 20 caractères : lettres, chiffres, _ et -.",
        "The pseudonym must be 3 to 20 characters: letters, digits, _ and -.",
    ),
    "pseudo_reserved": ErrorSpec(422, "Ce pseudo est réservé.", "This pseudonym is reserved."),
    "pseudo_taken": ErrorSpec(409, "Ce pseudo est déjà pris.", "This pseudonym is taken."),
    "age_invalid": ErrorSpec(422, "L'âge doit être un nombre entier entre {min_age} et {max_age}.",
                             "Age must be a whole number between {min_age} and {max_age}."),
    "age_too_young": ErrorSpec(
        403,
        "Causerie est réservé aux personnes de {min_age} ans et plus.",
        "Causerie is for people aged {min_age} and over.",
    ),
    "gender_invalid": ErrorSpec(422, "Genre invalide : femme, homme ou autre.", "Invalid gender: woman, man or other."),
    "postal_code_invalid": ErrorSpec(422, "Le code postal doit faire 5 chiffres.", "The postal code must be 5 digits."),
    "postal_code_unknown": ErrorSpec(422, "Code postal inconnu.", "Unknown postal code."),
    # rooms
    "room_unknown": ErrorSpec(404, "Ce salon n'existe pas.", "This room does not exist."),
    "room_private": ErrorSpec(403, "Ce salon est privé : il faut une invitation.",
                              "This room is private: you need an invitation."),
    "room_name_invalid": ErrorSpec(422, "Le nom du salon doit faire 3 à 40 caractères.",
                                   "The room name must be 3 to 40 characters."),
    "already_joined": ErrorSpec(409, "Vous êtes déjà dans ce salon.", "You are already in this room."),
    "not_joined": ErrorSpec(403, "Rejoignez d'abord ce salon.", "Join this room first."),
    "not_room_owner": ErrorSpec(403, "Seul le créateur du salon peut inviter.", "Only the room's creator can invite."),
    # messages
    "text_empty": ErrorSpec(422, "Le message est vide.", "The message is empty."),
    "text_too_long": ErrorSpec(422, "Le message dépasse {limit} caractères.",
                               "The message is over {limit} characters."),
    "client_id_invalid": ErrorSpec(422, "client_id doit faire 1 à 64 caractères.",
                                   "client_id must be 1 to 64 characters."),
    # screening: the reason comes from the policy file, per category, in both languages
    "message_blocked": ErrorSpec(422, "{fr}", "{en}"),
    "message_held": ErrorSpec(202, "{fr}", "{en}"),
    # private messages and people
    "user_unknown": ErrorSpec(404, "Personne de ce nom n'est connecté.", "Nobody of that name is online."),
    "pm_self": ErrorSpec(422, "Vous ne pouvez pas vous écrire à vous-même.", "You cannot write to yourself."),
    "pm_refused": ErrorSpec(403, "Cette personne n'accepte pas votre message privé.",
                            "This person does not accept your private message."),
    "pm_unknown": ErrorSpec(404, "Conversation inconnue.", "Unknown conversation."),
    "ignore_self": ErrorSpec(422, "Vous ne pouvez pas vous ignorer vous-même.", "You cannot ignore yourself."),
    "pm_policy_invalid": ErrorSpec(422, "Réglage invalide : band, shared_room ou nobody.",
                                   "Invalid setting: band, shared_room or nobody."),
    "history_cursor_invalid": ErrorSpec(422, "Curseur d'historique invalide.", "Invalid history cursor."),
    # safety policy (docs/policy.md)
    "entry_unavailable": ErrorSpec(
        403,
        "Impossible d'entrer dans cet espace depuis cet appareil ou cette connexion pour le moment.",
        "You cannot enter this space from this device or connection for now.",
    ),
    "rate_limited": ErrorSpec(429, "Trop de demandes : réessayez dans {retry_after} s.",
                              "Too many requests: try again in {retry_after} s."),
    "pm_limit": ErrorSpec(
        429,
        "Vous avez ouvert trop de nouvelles conversations privées : réessayez dans {retry_after} s.",
        "You have opened too many new private conversations: try again in {retry_after} s.",
    ),
    "slow_mode": ErrorSpec(
        429,
        "Mode lent dans ce salon : un message toutes les {seconds} s. Réessayez dans {retry_after} s.",
        "Slow mode in this room: one message every {seconds} s. Try again in {retry_after} s.",
    ),
    "slow_mode_invalid": ErrorSpec(422, "Le mode lent va de 0 à 3600 secondes.",
                                   "Slow mode is 0 to 3600 seconds."),
    "link_not_allowed": ErrorSpec(422, "Les liens ne sont pas autorisés dans l'espace ados.",
                                  "Links are not allowed in the teen space."),
    # reports, moderation and enforcement (docs/moderation.md)
    "report_invalid": ErrorSpec(422, "Signalement invalide : {detail}", "Invalid report: {detail}"),
    "category_invalid": ErrorSpec(422, "Catégorie de signalement inconnue.", "Unknown report category."),
    "banned": ErrorSpec(403, "Vous avez été exclu de Causerie par l'équipe de modération (jusqu'à : {until}).",
                        "You have been banned from Causerie by the moderation team (until: {until})."),
    "timed_out": ErrorSpec(403, "Vous ne pouvez pas écrire pour le moment (sanction jusqu'à : {until}).",
                           "You cannot write for now (time-out until: {until})."),
    "appeal_invalid": ErrorSpec(404, "Recours impossible : décision inconnue.",
                                "Cannot appeal: unknown decision."),
    "appeal_text_invalid": ErrorSpec(422, "Le recours doit compter de 1 à 2000 caractères.",
                                     "An appeal is 1 to 2000 characters long."),
    "appeal_expired": ErrorSpec(410, "Le délai de recours est passé.", "The time to appeal has passed."),
    "appeal_exists": ErrorSpec(409, "Un recours est déjà en cours pour cette décision.",
                               "An appeal against this decision is already pending."),
    "mod_login_failed": ErrorSpec(401, "Nom, mot de passe ou code incorrect.",
                                  "Wrong name, password or code."),
    "mod_not_authenticated": ErrorSpec(401, "Connectez-vous à la console de modération.",
                                       "Log in to the moderation console."),
    "mod_forbidden": ErrorSpec(403, "Votre rôle ne permet pas cette action.", "Your role does not allow this."),
    "csrf_invalid": ErrorSpec(403, "Jeton anti-CSRF manquant ou invalide.", "Missing or invalid CSRF token."),
    "case_claimed": ErrorSpec(409, "Ce dossier est déjà pris par un autre modérateur.",
                              "Another moderator holds this case."),
    "case_not_claimed": ErrorSpec(409, "Prenez d'abord ce dossier.", "Claim this case first."),
    "case_closed": ErrorSpec(409, "Ce dossier est clos.", "This case is closed."),
    "appeal_same_moderator": ErrorSpec(
        403,
        "Un recours est examiné par un autre modérateur que l'auteur de la décision.",
        "An appeal is decided by a moderator other than the one who decided.",
    ),
    "room_locked": ErrorSpec(403, "Ce salon est verrouillé par l'équipe de modération : personne ne peut y écrire "
                             "pour le moment.", "This room is locked by the moderation team: nobody can write in it "
                             "for now."),
    "action_invalid": ErrorSpec(422, "Action de modération invalide : {detail}", "Invalid moderation action: {detail}"),
    "search_invalid": ErrorSpec(422, "Recherche invalide : {detail}", "Invalid search: {detail}"),
    # availability (retryable)
    "internal_error": ErrorSpec(500, "Erreur interne : elle a été enregistrée.",
                                "Internal error: it has been logged."),
    "unavailable": ErrorSpec(503, "Service momentanément indisponible, réessayez.",
                             "Service temporarily unavailable, try again."),
}


# Reasons given to a sender whose message was held or not sent, when no screening category speaks
# (the categories' reasons live in screening/policy.toml).
REASONS: dict[str, dict[str, str]] = {
    "review_pending": {"fr": "Message en attente de vérification par l'équipe de modération.",
                       "en": "Message awaiting review by the moderation team."},
    "not_sent": {"fr": "Message non envoyé.", "en": "Message not sent."},
    "duplicate_blast": {
        "fr": "Message en attente de vérification : le même texte a été envoyé à trop de salons ou de personnes.",
        "en": "Message awaiting review: the same text was sent to too many rooms or people.",
    },
}


class CauserieError(Exception):
    """An error the user caused (or may retry): a stable code plus message parameters."""

    def __init__(self, code: str, *, category: str | None = None, retry_after: int | None = None,
                 **params: Any) -> None:
        if code not in CATALOGUE:
            raise KeyError(f"unknown error code {code!r}")
        super().__init__(code)
        self.code = code
        self.category = category
        self.retry_after = retry_after  # seconds, for limits: sent as `retry_after` (and Retry-After)
        self.params = params if retry_after is None else {"retry_after": retry_after, **params}
        self.extra: dict[str, Any] = {}  # sent beside `error` in an HTTP answer (e.g. `statements`)

    @property
    def status(self) -> int:
        return CATALOGUE[self.code].status

    def message(self) -> dict[str, str]:
        spec = CATALOGUE[self.code]
        return {"fr": spec.fr.format(**self._params("fr")), "en": spec.en.format(**self._params("en"))}

    def _params(self, lang: str) -> dict[str, Any]:
        """The params for one language: each `Text` gives its side in that language."""
        return {k: getattr(v, lang) if isinstance(v, Text) else v for k, v in self.params.items()}
