"""Do the room's rules hold, without any database? Phases, roles, votes, ties, joins."""

from __future__ import annotations

from dataclasses import replace

import pytest

from widgets.live import room
from widgets.live.errors import InvalidInput, NotAllowed, RoomClosed, RoomFull
from widgets.live.room import RoomState, Seat, Tally, Vote

NOW = 1_800_000_000.0


def make_room(**changes) -> RoomState:
    base = RoomState(id="r1", code="ABCDEF", scenario_id="live-tiny", title="t", phase=room.LOBBY, history=(),
                     capacity=3, created_at=NOW, expires_at=NOW + 3600)
    return replace(base, **changes)


def seat(sid: str, role: str = "mentor", status: str = room.ACTIVE) -> Seat:
    return Seat(sid, sid.upper(), role, NOW, status)


def test_room_phases_follow_the_facilitators_actions_to_the_debrief(scenario):
    """Does a whole play go lobby, node, voting, closed, reveal, node ... debrief, closed?"""
    rs = make_room()
    seen = [rs.phase]
    votes_for = {0: "validate", 1: "reflect"}
    for action in (room.START, room.OPEN, room.CLOSE, room.REVEAL_ACTION, room.ADVANCE,
                   room.OPEN, room.CLOSE, room.REVEAL_ACTION, room.ADVANCE, room.CLOSE_ROOM):
        counted = None
        if action == room.REVEAL_ACTION:
            counted = room.tally(scenario, rs, [seat("a")], [Vote("a", rs.vote_round, votes_for[rs.vote_round], NOW)])
        rs, decision = room.transition(scenario, rs, action, counted=counted, now=NOW)
        assert (decision is not None) == (action == room.REVEAL_ACTION)
        seen.append(rs.phase)
    assert seen == ["lobby", "node", "voting", "votes-closed", "reveal", "node", "voting", "votes-closed", "reveal",
                    "debrief", "closed"]
    assert rs.history == ("validate", "reflect")


def test_room_advance_after_an_ending_choice_goes_to_the_debrief(scenario):
    rs = make_room(phase=room.VOTES_CLOSED)
    counted = room.tally(scenario, rs, [seat("a")], [Vote("a", 0, "dismiss", NOW)])
    rs, decision = room.transition(scenario, rs, room.REVEAL_ACTION, counted=counted, now=NOW)
    assert decision.choice_id == "dismiss" and decision.node_id == "opening" and decision.decided_by == "vote"
    rs, _ = room.transition(scenario, rs, room.ADVANCE)
    assert rs.phase == room.DEBRIEF


@pytest.mark.parametrize("phase, action", [
    (room.LOBBY, room.OPEN), (room.NODE, room.CLOSE), (room.VOTING, room.ADVANCE), (room.REVEAL, room.OPEN),
    (room.DEBRIEF, room.START), (room.LOBBY, room.FINISH),
])
def test_room_refuses_an_action_out_of_phase_with_a_reason(scenario, phase, action):
    with pytest.raises(NotAllowed) as exc:
        room.transition(scenario, make_room(phase=phase), action)
    assert str(exc.value)


def test_room_closed_refuses_everything(scenario):
    rs = make_room(phase=room.CLOSED)
    for action in room.ACTIONS:
        with pytest.raises(RoomClosed):
            room.transition(scenario, rs, action)
    assert room.allowed_actions(rs) == ()


def test_room_unknown_action_is_invalid_input(scenario):
    with pytest.raises(InvalidInput):
        room.transition(scenario, make_room(), "explode")


def test_room_allowed_actions_match_the_phase():
    assert room.allowed_actions(make_room()) == (room.START, room.CLOSE_ROOM)
    assert room.allowed_actions(make_room(phase=room.VOTING)) == (room.CLOSE, room.REVEAL_ACTION, room.FINISH,
                                                                  room.CLOSE_ROOM)


def test_room_tally_counts_only_this_rounds_votes_of_active_mentors(scenario):
    rs = make_room(phase=room.VOTING)
    seats = [seat("a"), seat("b"), seat("c", "observer"), seat("d", status=room.KICKED), seat("e", status=room.LEFT)]
    votes = [Vote("a", 0, "validate", NOW), Vote("b", 0, "curious", NOW), Vote("c", 0, "dismiss", NOW),
             Vote("d", 0, "dismiss", NOW), Vote("e", 0, "dismiss", NOW), Vote("a", 1, "dismiss", NOW)]
    counted = room.tally(scenario, rs, seats, votes)
    assert counted.as_dict() == {"validate": 1, "curious": 1, "dismiss": 0}
    assert (counted.voters, counted.eligible) == (2, 2)
    assert counted.tied and counted.leaders == ("validate", "curious")


def test_room_decide_a_clear_winner_needs_no_facilitator(scenario):
    rs = make_room(phase=room.VOTES_CLOSED)
    counted = Tally((("validate", 2), ("curious", 1), ("dismiss", 0)), 3, 3)
    assert room.decide(scenario, rs, counted, None) == ("validate", "vote")
    assert room.decide(scenario, rs, counted, "validate") == ("validate", "vote")
    with pytest.raises(NotAllowed, match="clear winner"):
        room.decide(scenario, rs, counted, "curious")


def test_room_decide_a_tie_is_broken_by_the_facilitator_among_the_tied(scenario):
    rs = make_room(phase=room.VOTES_CLOSED)
    counted = Tally((("validate", 1), ("curious", 1), ("dismiss", 0)), 2, 2)
    with pytest.raises(NotAllowed, match="tied between 'That sounds exhausting"):
        room.decide(scenario, rs, counted, None)
    with pytest.raises(NotAllowed, match="tied"):
        room.decide(scenario, rs, counted, "dismiss")
    assert room.decide(scenario, rs, counted, "curious") == ("curious", "facilitator")


def test_room_decide_without_votes_the_facilitator_picks_any_option(scenario):
    rs = make_room(phase=room.VOTES_CLOSED)
    counted = Tally((("validate", 0), ("curious", 0), ("dismiss", 0)), 0, 1)
    with pytest.raises(NotAllowed, match="No mentor has voted"):
        room.decide(scenario, rs, counted, None)
    assert room.decide(scenario, rs, counted, "dismiss") == ("dismiss", "facilitator")
    with pytest.raises(InvalidInput):
        room.decide(scenario, rs, counted, "reflect")  # offered later, not here


def test_room_check_vote_wants_a_mentor_an_open_vote_and_an_offered_choice(scenario):
    voting = make_room(phase=room.VOTING)
    room.check_vote(scenario, voting, seat("a"), "curious", NOW)
    with pytest.raises(NotAllowed, match="Only mentors vote"):
        room.check_vote(scenario, voting, seat("o", "observer"), "curious", NOW)
    with pytest.raises(NotAllowed, match="not open"):
        room.check_vote(scenario, make_room(phase=room.VOTES_CLOSED), seat("a"), "curious", NOW)
    with pytest.raises(InvalidInput):
        room.check_vote(scenario, voting, seat("a"), "reflect", NOW)
    with pytest.raises(RoomClosed):
        room.check_vote(scenario, voting, seat("a"), "curious", NOW + 7200)


def test_room_check_tick_wants_an_observer_after_the_start(scenario):
    room.check_tick(scenario, make_room(phase=room.DEBRIEF), seat("o", "observer"), "reflected", NOW)
    with pytest.raises(NotAllowed, match="Only observers"):
        room.check_tick(scenario, make_room(phase=room.NODE), seat("a"), "reflected", NOW)
    with pytest.raises(NotAllowed, match="starts"):
        room.check_tick(scenario, make_room(), seat("o", "observer"), "reflected", NOW)
    with pytest.raises(InvalidInput):
        room.check_tick(scenario, make_room(phase=room.NODE), seat("o", "observer"), "nope", NOW)


def test_room_check_join_refuses_full_closed_and_taken_names():
    rs = make_room()
    seats = [seat("a"), seat("b"), seat("c", status=room.LEFT)]
    keys = {"a": "ann", "b": "bob", "c": "cy"}
    room.check_join(rs, seats, "cy", keys, NOW)  # a name of someone who left is free again
    with pytest.raises(InvalidInput, match="already uses that name"):
        room.check_join(rs, seats, "ann", keys, NOW)
    with pytest.raises(RoomFull, match="full"):
        room.check_join(rs, [*seats, seat("d")], "dee", keys, NOW)
    with pytest.raises(RoomClosed):
        room.check_join(make_room(phase=room.CLOSED), seats, "dee", keys, NOW)
    with pytest.raises(RoomClosed, match="expired"):
        room.check_join(rs, seats, "dee", keys, NOW + 3600)


def test_room_suggest_role_fills_mentor_then_mentee_then_observers(scenario):
    assert room.suggest_role(scenario, []) == "mentor"
    assert room.suggest_role(scenario, [seat("a")]) == "mentee"
    assert room.suggest_role(scenario, [seat("a"), seat("b", "mentee")]) == "observer"
    assert room.suggest_role(scenario, [seat("a", status=room.LEFT)]) == "mentor"


def test_room_check_role_refuses_unknown_roles_and_absent_seats(scenario):
    room.check_role(scenario, make_room(), seat("a"), "observer")
    with pytest.raises(InvalidInput, match="not a role"):
        room.check_role(scenario, make_room(), seat("a"), "boss")
    with pytest.raises(NotAllowed):
        room.check_role(scenario, make_room(), seat("a", status=room.LEFT), "observer")


def test_room_offered_is_empty_outside_a_step(scenario):
    assert room.offered(scenario, make_room()) == ()
    assert [c.id for c in room.offered(scenario, make_room(phase=room.NODE))] == ["validate", "curious", "dismiss"]
    assert room.offered(scenario, make_room(phase=room.REVEAL, history=("validate",))) == ()


# ---- a mentor-scenario/2 room: the room's path state follows the same flags as the player --------


@pytest.fixture
def v2_scenario():
    import yaml

    from tests.conftest import SCENARIO_V2_YAML as V2
    from widgets.content.models import scenario_from_dict

    data = yaml.safe_load(V2 + "live:\n  roles: {mentor: decide, mentee: read, observer: checklist}\n")
    return scenario_from_dict(data)


def test_room_v2_offers_the_choices_the_path_state_allows(v2_scenario):
    sc = v2_scenario
    clean = make_room(phase=room.VOTING, history=("validate",))
    slipped = make_room(phase=room.VOTING, history=("dismiss",))
    assert [c.id for c in room.offered(sc, clean)] == ["listen", "move-on"]
    assert [c.id for c in room.offered(sc, slipped)] == ["own-it", "listen", "move-on"]
    with pytest.raises(InvalidInput):
        room.check_vote(sc, clean, seat("a"), "own-it", NOW)  # its `if: slips > 0` is false on this path
    room.check_vote(sc, slipped, seat("a"), "own-it", NOW)
    counted = room.tally(sc, clean, [seat("a")], [Vote("a", 1, "own-it", NOW), Vote("a", 1, "listen", NOW)])
    assert counted.as_dict() == {"listen": 1, "move-on": 0}


def test_room_v2_routes_by_the_room_s_state_to_its_ending(v2_scenario):
    sc = v2_scenario
    rs = make_room(phase=room.VOTES_CLOSED, history=("dismiss",))
    counted = room.tally(sc, rs, [seat("a")], [Vote("a", 1, "listen", NOW)])
    rs, decision = room.transition(sc, rs, room.REVEAL_ACTION, counted=counted, now=NOW)
    assert decision.choice_id == "listen"
    st = room.play_state(sc, rs)
    assert st.node_id == "withdraw"  # the slip was never repaired, so the routing node sends it here
    assert engine_values(sc, st) == {"asked": False, "slips": 1, "unrepaired": 1}


def engine_values(sc, st):
    from widgets import engine

    values = engine.state_values(sc, st)
    return {k: values[k] for k in ("asked", "slips", "unrepaired")}
