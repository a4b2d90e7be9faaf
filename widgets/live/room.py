"""The rules of a live room, as pure functions over frozen values: no I/O, no clock, no database.

A room plays one scenario with a cohort. Its life::

    lobby --start--> node --open--> voting --close--> votes-closed --reveal--> reveal --advance--> node ...
                                                 (reveal also closes an open vote)      \\--> debrief --> closed

* ``node``: the next step of the scenario is shown; the mentee reads the lines aloud.
* ``voting``: mentors vote for one of the options; a second vote replaces the first.
* ``votes-closed``: no more votes; the facilitator sees the split and breaks a tie if there is one.
* ``reveal``: everyone sees the split, the room's choice and the feedback; the choice joins the path.
* ``debrief``: the ending, the room's path against the strongest path, totals, the observers' checklist.
* ``closed``: read-only; the data stays until the room expires or is deleted.

The store loads a :class:`RoomState` inside a write transaction, asks these functions whether an action
is allowed and what follows, and writes the result; so the rules are tested here without a database,
and every process applies the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from widgets import engine
from widgets.content.models import Choice, Scenario
from widgets.live.errors import InvalidInput, NotAllowed, RoomClosed, RoomFull

LOBBY = "lobby"
NODE = "node"
VOTING = "voting"
VOTES_CLOSED = "votes-closed"
REVEAL = "reveal"
DEBRIEF = "debrief"
CLOSED = "closed"
PHASES = (LOBBY, NODE, VOTING, VOTES_CLOSED, REVEAL, DEBRIEF, CLOSED)
#: How each phase is named to people (status lines, screen-reader announcements, the CLI).
PHASE_LABELS: Mapping[str, str] = {
    LOBBY: "Waiting to start",
    NODE: "Reading the next step",
    VOTING: "Votes are open",
    VOTES_CLOSED: "Votes are closed",
    REVEAL: "Results",
    DEBRIEF: "Debrief",
    CLOSED: "Room closed",
}
#: Phases in which the scenario is being played (a step of it is on screen).
IN_PLAY = (NODE, VOTING, VOTES_CLOSED, REVEAL)

#: Role kinds, as scenario files declare them under ``live.roles``.
DECIDE = "decide"
READ = "read"
CHECKLIST = "checklist"
DEFAULT_ROLES: Mapping[str, str] = {"mentor": DECIDE, "mentee": READ, "observer": CHECKLIST}
ROLE_HELP: Mapping[str, str] = {
    DECIDE: "you choose what the mentor says (by vote when there are several mentors)",
    READ: "you read the mentee's lines aloud",
    CHECKLIST: "you tick the skills you see the mentors use",
}

#: Seat statuses.
ACTIVE = "active"
LEFT = "left"
KICKED = "kicked"

DEFAULT_CAPACITY = 60
MAX_CAPACITY = 500


@dataclass(frozen=True)
class RoomState:
    """One row of a room: where the play stands. ``history`` holds the choice ids the room has taken."""

    id: str
    code: str
    scenario_id: str
    title: str
    phase: str
    history: tuple[str, ...]
    capacity: int
    created_at: float
    expires_at: float
    #: Bumped by every change; the facilitator follows it.
    version: int = 0
    #: Bumped by every change a participant can see: not by votes (no one sees others' votes before the
    #: reveal), so 40 votes landing together do not make 40 pages re-read the room 40 times.
    public_version: int = 0

    @property
    def vote_round(self) -> int:
        """The round votes go into now: the number of decisions made so far."""
        return len(self.history)

    def expired(self, now: float) -> bool:
        return now >= self.expires_at


@dataclass(frozen=True)
class Seat:
    """A participant's place in a room. ``id`` is public; the seat's token is known only to its holder."""

    id: str
    name: str
    role: str
    joined_at: float
    status: str = ACTIVE

    @property
    def active(self) -> bool:
        return self.status == ACTIVE


@dataclass(frozen=True)
class Vote:
    seat_id: str
    round: int
    choice_id: str
    cast_at: float
    changes: int = 1


@dataclass(frozen=True)
class Decision:
    """What the room chose at one decision point, and the split of votes that led to it."""

    round: int
    node_id: str
    choice_id: str
    decided_by: str  # "vote" | "facilitator"
    tally: tuple[tuple[str, int], ...]
    decided_at: float

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.tally)


@dataclass(frozen=True)
class Tick:
    seat_id: str
    item_id: str
    ticked: bool


@dataclass(frozen=True)
class Snapshot:
    """Everything a view needs about a room at one moment (read in one transaction)."""

    room: RoomState
    seats: tuple[Seat, ...] = ()
    votes: tuple[Vote, ...] = ()  # the current round's only
    decisions: tuple[Decision, ...] = ()
    ticks: tuple[Tick, ...] = ()

    def seat(self, seat_id: str) -> Seat | None:
        return next((s for s in self.seats if s.id == seat_id), None)

    @property
    def active_seats(self) -> tuple[Seat, ...]:
        return tuple(s for s in self.seats if s.active)

    def vote_of(self, seat_id: str) -> Vote | None:
        return next((v for v in self.votes if v.seat_id == seat_id and v.round == self.room.vote_round), None)

    def ticked(self, seat_id: str) -> frozenset[str]:
        return frozenset(t.item_id for t in self.ticks if t.seat_id == seat_id and t.ticked)


@dataclass(frozen=True)
class Tally:
    """The split of the current round's votes among the options on offer."""

    counts: tuple[tuple[str, int], ...]  # (choice id, votes) in the scenario's order
    voters: int  # mentors whose vote counts
    eligible: int  # active mentors

    @property
    def leaders(self) -> tuple[str, ...]:
        """Options with the most votes (empty when nobody voted; two or more is a tie)."""
        top = max((n for _, n in self.counts), default=0)
        return tuple(cid for cid, n in self.counts if n == top) if top > 0 else ()

    @property
    def tied(self) -> bool:
        return len(self.leaders) > 1

    def as_dict(self) -> dict[str, int]:
        return dict(self.counts)


# ---- roles ---------------------------------------------------------------------------------------


def roles_of(sc: Scenario) -> dict[str, str]:
    """Role name -> kind for ``sc`` (its ``live.roles``, else mentor/mentee/observer)."""
    return dict(sc.live_roles) or dict(DEFAULT_ROLES)


def role_kind(sc: Scenario, role: str) -> str:
    """The kind (``decide``, ``read``, ``checklist``) of ``role``; :class:`InvalidInput` if unknown."""
    roles = roles_of(sc)
    if role not in roles:
        raise InvalidInput(f"'{role}' is not a role in this scenario (roles: {', '.join(roles)}).")
    return roles[role]


def suggest_role(sc: Scenario, seats: Iterable[Seat]) -> str:
    """The role a newcomer gets until the facilitator changes it: a mentor first, then a mentee, then
    observers; so a room can start without any assigning, and the facilitator only adjusts."""
    roles = roles_of(sc)
    taken = {s.role for s in seats if s.active}
    for kind in (DECIDE, READ):
        for name, k in roles.items():
            if k == kind and name not in taken:
                return name
    for kind in (CHECKLIST, DECIDE, READ):
        for name, k in roles.items():
            if k == kind:
                return name
    return next(iter(roles))


# ---- the scenario as the room plays it ----------------------------------------------------------


def play_state(sc: Scenario, room: RoomState) -> engine.PlayState:
    """The engine state after the room's choices (raises ``InvalidChoice`` if the scenario changed)."""
    return engine.replay(sc, room.history)


def offered(sc: Scenario, room: RoomState) -> tuple[Choice, ...]:
    """The options at the step being decided (none in the lobby, at the reveal or after the end)."""
    if room.phase not in (NODE, VOTING, VOTES_CLOSED):
        return ()
    return engine.available_choices(sc, play_state(sc, room))


def tally(sc: Scenario, room: RoomState, seats: Iterable[Seat], votes: Iterable[Vote]) -> Tally:
    """Count the current round's votes of active seats whose role decides. Votes of people who left,
    were removed or were given another role are kept in the record but do not count."""
    deciders = {s.id for s in seats if s.active and role_kind(sc, s.role) == DECIDE}
    choices = engine.available_choices(sc, play_state(sc, room)) if room.phase in (NODE, VOTING, VOTES_CLOSED) else ()
    counts = dict.fromkeys((c.id for c in choices), 0)
    voters = 0
    for v in votes:
        if v.round == room.vote_round and v.seat_id in deciders and v.choice_id in counts:
            counts[v.choice_id] += 1
            voters += 1
    return Tally(tuple(counts.items()), voters, len(deciders))


# ---- checks for participants' actions ------------------------------------------------------------


def check_open(room: RoomState, now: float) -> None:
    """Raise unless the room takes participants' actions at all."""
    if room.phase == CLOSED:
        raise RoomClosed("The facilitator has closed this room; it takes no more joins, votes or ticks.")
    if room.expired(now):
        raise RoomClosed("This room has expired.")


def check_join(room: RoomState, seats: Iterable[Seat], key: str, name_keys: Mapping[str, str], now: float) -> None:
    """Raise unless someone with the name whose comparison key is ``key`` may take a seat.

    ``name_keys`` maps seat id -> name key for the room's seats.
    """
    check_open(room, now)
    active = [s for s in seats if s.active]
    if len(active) >= room.capacity:
        raise RoomFull(f"This room is full ({room.capacity} participants). Ask your facilitator to make room.")
    if any(name_keys.get(s.id) == key for s in active):
        raise InvalidInput("Someone in this room already uses that name; add an initial or a nickname.")


def check_vote(sc: Scenario, room: RoomState, seat: Seat, choice_id: str, now: float) -> None:
    """Raise unless ``seat`` may vote for ``choice_id`` now."""
    check_open(room, now)
    if role_kind(sc, seat.role) != DECIDE:
        raise NotAllowed(f"Only mentors vote; you are the {seat.role} in this room.")
    if room.phase != VOTING:
        raise NotAllowed(_not_now("Votes", room.phase))
    ids = [c.id for c in offered(sc, room)]
    if choice_id not in ids:
        raise InvalidInput("That option is not on offer at this step; pick one of the options shown.")


def check_tick(sc: Scenario, room: RoomState, seat: Seat, item_id: str, now: float) -> None:
    """Raise unless ``seat`` may tick (or untick) checklist item ``item_id``."""
    check_open(room, now)
    if role_kind(sc, seat.role) != CHECKLIST:
        raise NotAllowed(f"Only observers tick the checklist; you are the {seat.role} in this room.")
    if room.phase == LOBBY:
        raise NotAllowed("The checklist opens when the role-play starts.")
    if item_id not in {i.id for i in sc.checklist}:
        raise InvalidInput("That item is not on this scenario's checklist.")


def check_role(sc: Scenario, room: RoomState, seat: Seat, role: str) -> None:
    """Raise unless the facilitator may give ``seat`` the role ``role``."""
    if room.phase == CLOSED:
        raise RoomClosed("This room is closed; roles can no longer change.")
    role_kind(sc, role)
    if not seat.active:
        raise NotAllowed(f"{seat.name} is no longer in the room.")


def _not_now(what: str, phase: str) -> str:
    return f"{what} are not open now ({PHASE_LABELS.get(phase, phase).lower()})."


# ---- the facilitator's transitions ----------------------------------------------------------------

START = "start"
OPEN = "open"
CLOSE = "close"
REVEAL_ACTION = "reveal"
ADVANCE = "advance"
FINISH = "finish"
CLOSE_ROOM = "close-room"
ACTIONS = (START, OPEN, CLOSE, REVEAL_ACTION, ADVANCE, FINISH, CLOSE_ROOM)

#: Which phases each action may start from.
_FROM: Mapping[str, tuple[str, ...]] = {
    START: (LOBBY,),
    OPEN: (NODE, VOTES_CLOSED),
    CLOSE: (VOTING,),
    REVEAL_ACTION: (VOTING, VOTES_CLOSED),
    ADVANCE: (REVEAL,),
    FINISH: IN_PLAY,
    CLOSE_ROOM: (LOBBY, *IN_PLAY, DEBRIEF),
}
_WHY: Mapping[str, str] = {
    START: "The role-play has already started.",
    OPEN: "Votes can be opened when a step is shown or after they were closed.",
    CLOSE: "Votes are not open.",
    REVEAL_ACTION: "Results can be shown once votes have been taken at a step.",
    ADVANCE: "Move on after the results of a step are shown.",
    FINISH: "The debrief can start once the role-play is under way.",
    CLOSE_ROOM: "The room is already closed.",
}


def allowed_actions(room: RoomState) -> tuple[str, ...]:
    """The facilitator's actions that make sense in the room's phase (the view enables these buttons)."""
    return tuple(a for a in ACTIONS if room.phase in _FROM[a])


def decide(sc: Scenario, room: RoomState, counted: Tally, choice_id: str | None) -> tuple[str, str]:
    """The room's choice and who made it (``vote`` or ``facilitator``).

    One option with the most votes wins. A tie, or a round nobody voted in, needs the facilitator's
    ``choice_id`` (one of the tied options, or any option when there were no votes).
    """
    ids = [c.id for c in engine.available_choices(sc, play_state(sc, room))]
    leaders = counted.leaders
    if choice_id is not None and choice_id not in ids:
        raise InvalidInput("That option is not on offer at this step.")
    if len(leaders) == 1:
        if choice_id not in (None, leaders[0]):
            raise NotAllowed("The mentors' vote has a clear winner; open the votes again to change it.")
        return leaders[0], "vote"
    if choice_id is None:
        if leaders:
            names = " and ".join(f"'{_short(sc, c)}'" for c in leaders)
            raise NotAllowed(f"The vote is tied between {names}; choose one of them to break the tie.")
        raise NotAllowed("No mentor has voted at this step; choose the option the room goes with, or open votes again.")
    if leaders and choice_id not in leaders:
        raise NotAllowed("Break the tie with one of the options that tied.")
    return choice_id, "facilitator"


def _short(sc: Scenario, choice_id: str, width: int = 40) -> str:
    c = sc.choice(choice_id)
    text = " ".join(c.text.split()) if c else choice_id
    return text if len(text) <= width else text[: width - 1] + "…"


def transition(sc: Scenario, room: RoomState, action: str, *, counted: Tally | None = None,
               choice_id: str | None = None, now: float = 0.0) -> tuple[RoomState, Decision | None]:
    """The room after the facilitator's ``action``, and the decision it records (for ``reveal``).

    Raises :class:`NotAllowed` when the action does not fit the phase, with a message saying when it does.
    """
    if action not in _FROM:
        raise InvalidInput(f"'{action}' is not a facilitator action ({', '.join(ACTIONS)}).")
    if room.phase not in _FROM[action]:
        if room.phase == CLOSED:
            raise RoomClosed("This room is closed.")
        raise NotAllowed(_WHY[action])
    if action == START:
        return replace(room, phase=NODE), None
    if action == OPEN:
        return replace(room, phase=VOTING), None
    if action == CLOSE:
        return replace(room, phase=VOTES_CLOSED), None
    if action == REVEAL_ACTION:
        if counted is None:
            raise ValueError("reveal needs the tally")  # a programming error in the store, not user input
        picked, by = decide(sc, room, counted, choice_id)
        node_id = play_state(sc, room).node_id
        decision = Decision(room.vote_round, node_id, picked, by, counted.counts, now)
        return replace(room, phase=REVEAL, history=(*room.history, picked)), decision
    if action == ADVANCE:
        ended = engine.is_ended(sc, play_state(sc, room))
        return replace(room, phase=DEBRIEF if ended else NODE), None
    if action == FINISH:
        return replace(room, phase=DEBRIEF), None
    return replace(room, phase=CLOSED), None


__all__ = [
    "ACTIONS",
    "ACTIVE",
    "ADVANCE",
    "CHECKLIST",
    "CLOSE",
    "CLOSED",
    "CLOSE_ROOM",
    "DEBRIEF",
    "DECIDE",
    "DEFAULT_ROLES",
    "FINISH",
    "KICKED",
    "LEFT",
    "LOBBY",
    "NODE",
    "OPEN",
    "PHASES",
    "PHASE_LABELS",
    "READ",
    "REVEAL",
    "REVEAL_ACTION",
    "START",
    "VOTES_CLOSED",
    "VOTING",
    "Decision",
    "RoomState",
    "Seat",
    "Snapshot",
    "Tally",
    "Tick",
    "Vote",
    "allowed_actions",
    "check_join",
    "check_open",
    "check_role",
    "check_tick",
    "check_vote",
    "decide",
    "offered",
    "play_state",
    "role_kind",
    "roles_of",
    "suggest_role",
    "tally",
    "transition",
]
