"""A disclosure later in a conversation moves the resident's handling to the team that must act,
at the flag's priority, whatever case the conversation was on; the earlier case keeps its own
team for its own need (issue 18, item 2)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.cases import linked_cases
from app.models import Case, RoutingDecision
from app.pipeline.act import ActResult
from app.pipeline.handle import handle_message
from app.runtime import Runtime
from app.vocabulary import Channel, Priority
from tests.factories import inbound, saved_id, seed_demo, store


def _say(rt: Runtime, text: str, channel: Channel) -> ActResult:
    message = inbound(text, channel=channel, thread="a-disclosure", from_phone="+447700900417")
    result = handle_message(rt, store(rt, message))
    assert result is not None
    return result


def _case(session: Session, queue: str) -> Case:
    return session.exec(select(Case).where(Case.queue == queue)).one()


def _decided(session: Session, case: Case) -> list[tuple[str, str | None, str]]:
    rows = session.exec(
        select(RoutingDecision)
        .where(RoutingDecision.case_id == saved_id(case))
        .order_by(col(RoutingDecision.id))
    ).all()
    return [(row.rule_id, row.queue, row.priority) for row in rows]


def _flag_priority(rt: Runtime, text: str, flag: str) -> str:
    """The most pressing priority the lexicon gives `flag` in `text`."""
    cues = [cue.priority for cue in rt.lexicon.detect(text) if cue.flag.value == flag]
    return Priority.highest(*cues).value


def test_abuse_told_after_a_bereavement_moves_the_handling_to_safeguarding(
    rt: Runtime, session: Session
) -> None:
    seed_demo(rt)
    _say(rt, "My mother died in October and the council tax bill is still in her name", Channel.SMS)
    text = "my partner hits me and checks my phone, please dont text back"
    later = _say(rt, text, Channel.SMS)
    bereavement, safeguarding = _case(session, "revenues"), _case(session, "safeguarding")
    assert later.case_id == safeguarding.id  # the handling moved with the disclosure
    assert safeguarding.priority == _flag_priority(rt, text, "domestic_abuse") == "urgent"
    assert "domestic_abuse" in safeguarding.flags
    ((rule, queue, priority),) = _decided(session, safeguarding)
    assert rule.startswith("safety.domestic-abuse") and (queue, priority) == (
        "safeguarding",
        "urgent",
    )
    # The bereavement keeps its own team, at its own priority, linked to the new case.
    assert (bereavement.queue, bereavement.priority) == ("revenues", "high")
    assert _decided(session, bereavement) == [("life-events.bereavement", "revenues", "high")]
    assert {c.id for c in linked_cases(session, saved_id(safeguarding))} == {bereavement.id}


def test_homelessness_told_after_a_council_tax_case_goes_to_housing_options(
    rt: Runtime, session: Session
) -> None:
    seed_demo(rt)
    _say(rt, "Can I get the single person discount on my council tax? My partner moved out "
         "last month", Channel.WEB)  # fmt: skip
    text = "we've been told to leave by Friday and have nowhere to go"
    later = _say(rt, text, Channel.WEB)
    council_tax, housing = _case(session, "revenues"), _case(session, "housing_options")
    assert later.case_id == housing.id
    assert housing.priority == _flag_priority(rt, text, "homelessness")
    assert "homelessness" in housing.flags
    ((rule, queue, _),) = _decided(session, housing)
    assert rule.startswith("housing.homeless") and queue == "housing_options"
    assert (council_tax.queue, council_tax.priority) == ("revenues", "normal")
    assert "homelessness" not in council_tax.flags


def test_risk_to_life_told_after_a_missed_bin_is_an_emergency_for_safeguarding(
    rt: Runtime, session: Session
) -> None:
    seed_demo(rt)
    _say(rt, "my bin wasn't collected on tuesday, it's 14 Abington Avenue NN1 4PA", Channel.SMS)
    later = _say(rt, "I can't go on anymore, I want to end it", Channel.SMS)
    emergency = _case(session, "safeguarding")
    assert later.case_id == emergency.id
    assert (emergency.case_type, emergency.priority) == ("emergency", "emergency")
    assert "risk_to_life" in emergency.flags
    assert _decided(session, emergency) == [("safety.crisis", "safeguarding", "emergency")]
    # One emergency, told once: no second route from the floor, no second set of words.
    assert later.reply.count("Samaritans") == 1 and "999" in later.reply
    for bin_case in session.exec(select(Case).where(Case.case_type == "missed_bin")):
        assert bin_case.queue == "waste" and "risk_to_life" not in bin_case.flags


def test_a_partners_referral_does_not_keep_the_handling_from_safeguarding(
    rt: Runtime, session: Session
) -> None:
    seed_demo(rt)
    _say(rt, "food bank referral please", Channel.SMS)
    text = "he hit me again last night when I asked him for money for food, can the food bank help"
    later = _say(rt, text, Channel.SMS)
    foodbank, safeguarding = _case(session, "foodbank"), _case(session, "safeguarding")
    assert later.case_id == safeguarding.id
    assert safeguarding.priority == "urgent" and "domestic_abuse" in safeguarding.flags
    assert foodbank.queue == "foodbank"


def test_an_unclear_follow_up_is_read_by_a_person_not_left_on_a_partners_referral(
    rt: Runtime, session: Session
) -> None:
    seed_demo(rt)
    _say(rt, "food bank referral please", Channel.WEB)
    later = _say(rt, "he took all the money again and hit me when I asked for some", Channel.WEB)
    foodbank = _case(session, "foodbank")
    assert later.case_id is not None and later.case_id != foodbank.id
    read_by = session.get(Case, later.case_id)
    assert read_by is not None and read_by.queue not in ("foodbank", None)
    assert _decided(session, foodbank) == [("food.support", "foodbank", "high")]
