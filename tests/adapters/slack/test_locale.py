"""The draft language defaults to the Slack user's locale (`users.info` with include_locale=true)."""

from __future__ import annotations

from exit_coach.adapters.slack import ids, translate
from exit_coach.model import Language
from tests.adapters.slack.conftest import Rig
from tests.adapters.slack.stub import SlackStub
from tests.adapters.slack.test_conversation import walk

CHOICES = {"stage": "screening", "reason": "other_offer", "recruiter": "no", "main_channel": "email", "door": "no"}
FORMS = {"details": {"company": "Acme", "role": "Analista", "contact": "Sra. García"},
         "signature": {"name": "Sam Lee", "email": "sam@example.com", "phone": ""}}


def test_the_locale_is_read_from_a_real_users_info_answer_only_when_slack_includes_it() -> None:
    stub = SlackStub(locales={"U1": "es-ES"})
    assert translate.user_locale({"ok": True, "user": stub.user_info("U1", "true")}) == "es-ES"
    assert translate.user_locale({"ok": True, "user": stub.user_info("U1", None)}) == "", "no include_locale"
    assert translate.user_locale({"ok": False, "error": "user_not_found"}) == ""
    assert translate.user_locale({"ok": True, "user": {"id": "U1", "locale": 42}}) == ""


def test_a_spanish_slack_user_is_offered_spanish_first_and_gets_a_spanish_draft(rig: Rig) -> None:
    rig.stub.locales["U7"] = "es-ES"
    rig.command("U7", "", channel="D7")
    (info,) = [c for c in rig.stub.of("users.info") if c.data.get("include_locale")]
    assert info.data["user"] == "U7" and str(info.data["include_locale"]).lower() in ("1", "true")
    walk(rig, "U7", choices=CHOICES, forms=FORMS, revision=[], stop="language")
    _, elements = rig.current("U7")
    first = ids.parse(elements[0]["action_id"])
    assert first is not None and first.value == "es" and elements[0]["text"]["text"] == Language.ES.label
    assert elements[0].get("style") == "primary", "the locale's language is the highlighted default"
    walk(rig, "U7", choices={"language": "es"}, forms=FORMS, revision=[], stop="rev")
    posted = "\n".join(c.data.get("text") or "" for c in rig.stub.of("chat.postMessage"))
    assert "Estimada Sra. García:" in posted and "retirar mi candidatura" in posted


def test_a_failing_users_info_leaves_english_as_the_default(rig: Rig) -> None:
    rig.stub.fail["users.info"] = "missing_scope"
    rig.command("U8", "", channel="D8")
    walk(rig, "U8", choices=CHOICES, forms=FORMS, revision=[], stop="language")
    _, elements = rig.current("U8")
    assert elements[0]["text"]["text"] == Language.EN.label


def test_a_start_reads_the_profile_once_for_both_the_locale_and_the_time_zone(rig: Rig) -> None:
    rig.stub.locales["U9"] = "de-DE"
    rig.stub.zones["U9"] = "Europe/Berlin"
    rig.command("U9", "", channel="D9")
    assert len(rig.stub.of("users.info")) == 1, "one call serves the language and the clock"
    profile = rig.coach.export(rig.coach_key("U9"))["profile"]
    assert profile["clock"]["tz"] == "Europe/Berlin" and profile["locale"].startswith("de")
