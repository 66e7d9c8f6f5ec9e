"""The executor drives a scripted phone over the ADB wire protocol: the seeded Pixverse
presets succeed or fail for the reasons a real phone would give."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from pixsim7.automation import actions, adb, seeds
from pixsim7.automation.executor import ActionFailed, Cancelled, Executor, Step
from pixsim7.automation.fake_adb import FakeAdbServer
from pixsim7.automation.fake_app import FakeAccount, FakePhone, pixverse_phone
from pixsim7.automation.variables import Secrets

PASSWORD = "s3cret pass"


@pytest.fixture
async def phone() -> AsyncIterator[tuple[FakePhone, adb.AdbDevice]]:
    accounts = {"ann@example.com": FakeAccount(PASSWORD, credits=10)}
    phone = pixverse_phone("emulator-5554", accounts)
    async with FakeAdbServer([phone]) as server:
        yield phone, adb.AdbServer(server.address).device(phone.serial)


def _executor(
    device: adb.AdbDevice, steps: list[Step], shots: list[bytes], **values: str
) -> Executor:
    async def on_step(step: Step) -> None:
        steps.append(step)

    async def on_screenshot(png: bytes, label: str) -> int:
        shots.append(png)
        return len(shots)

    return Executor(
        device,
        values=values,
        secrets=Secrets.of([values.get("password")]),
        on_step=on_step,
        on_screenshot=on_screenshot,
    )


def _fast(raw: list[dict[str, object]]) -> list[actions.Action]:
    """The preset with its waits cut short (the fake app answers at once)."""
    parsed = actions.parse(raw)
    for action in parsed:
        if isinstance(action, actions.Wait):
            action.seconds = 0
        if isinstance(action, actions.WaitForElement):
            action.timeout_s, action.interval_s = 0.3, 0.1
    return parsed


async def test_log_in_then_claim_the_daily_reward(
    phone: tuple[FakePhone, adb.AdbDevice],
) -> None:
    fake, device = phone
    steps: list[Step] = []
    shots: list[bytes] = []
    run = _executor(device, steps, shots, email="ann@example.com", password=PASSWORD)
    await run.run(_fast(seeds.LOGIN))
    app = fake.app
    assert app is not None and app.signed_in == "ann@example.com"
    assert all(s.ok for s in steps) and shots and shots[0].startswith(b"\x89PNG")
    typed = [s.message for s in steps if s.type == "type_text"]
    assert typed == ["typed 'ann@example.com'", "typed '***'"]
    assert all(PASSWORD not in s.message for s in steps)
    assert [s.path for s in steps][:4] == ["0", "1", "2", "3"]

    steps.clear()
    await run.run(_fast(seeds.CLAIM_REWARD))
    assert app.accounts["ann@example.com"].credits == 40
    assert any(s.path == "6.0" and s.type == "tap" for s in steps)

    # A second claim the same day finds no reward offered, and still succeeds.
    await run.run(_fast(seeds.CLAIM_REWARD))
    assert app.accounts["ann@example.com"].credits == 40


async def test_a_wrong_password_fails_at_the_assertion_with_a_screenshot(
    phone: tuple[FakePhone, adb.AdbDevice],
) -> None:
    _, device = phone
    steps: list[Step] = []
    shots: list[bytes] = []
    login = _fast(seeds.LOGIN)
    run = _executor(device, steps, shots, email="ann@example.com", password="wrong one")
    with pytest.raises(ActionFailed) as failed:
        await run.run(login)
    assert failed.value.path == str(len(login) - 1)
    assert failed.value.action_type == "assert_element"
    assert "check the account's email and password" in failed.value.message
    assert failed.value.params["element"] == {"resource_id": "tab_profile", "contains": False,
                                              "index": 0}  # fmt: skip
    assert not steps[-1].ok and len(shots) == 2  # the preset's own, and the failure's


async def test_claiming_when_signed_out_fails_with_the_presets_message(
    phone: tuple[FakePhone, adb.AdbDevice],
) -> None:
    _, device = phone
    claim = _fast(seeds.CLAIM_REWARD)
    with pytest.raises(ActionFailed, match="run the log-in preset"):
        await _executor(device, [], []).run(claim)


async def test_blocks_repeat_and_missing_elements(phone: tuple[FakePhone, adb.AdbDevice]) -> None:
    fake, device = phone
    steps: list[Step] = []
    run = _executor(device, steps, [], email="ann@example.com", password=PASSWORD)
    await run.run(
        actions.parse(
            [
                {"type": "launch_app", "package": seeds.PIXVERSE},
                {
                    "type": "if_not_element",
                    "element": {"text": "Log in"},
                    "actions": [{"type": "key", "key": "home"}],
                },
                {
                    "type": "repeat",
                    "count": 2,
                    "actions": [
                        {"type": "tap", "element": {"resource_id": "btn_login"}},
                        {"type": "key", "key": "back"},
                    ],
                },
                {"type": "swipe", "x1": 500, "y1": 1500, "x2": 500, "y2": 500},
            ]
        )
    )
    assert [s.path for s in steps] == ["0", "1", "2", "2.0.0", "2.0.1", "2.1.0", "2.1.1", "3"]
    assert fake.commands.count("input keyevent 4") == 2
    assert "input swipe 500 1500 500 500 300" in fake.commands
    with pytest.raises(ActionFailed, match="element not found") as failed:
        await run.run(actions.parse([{"type": "tap", "element": {"text": "Nowhere"}}]))
    assert failed.value.path == "0"
    with pytest.raises(ActionFailed, match="has no value"):
        await run.run(actions.parse([{"type": "type_text", "text": "{pin}"}]))
    with pytest.raises(ActionFailed, match="unknown package"):
        await run.run(actions.parse([{"type": "launch_app", "package": "com.example.none"}]))


async def test_a_cancelled_execution_stops_between_actions_and_in_waits(
    phone: tuple[FakePhone, adb.AdbDevice],
) -> None:
    _, device = phone
    steps: list[Step] = []
    run = _executor(device, steps, [])
    run.is_cancelled = lambda: len(steps) >= 1
    with pytest.raises(Cancelled):
        await run.run(actions.parse([{"type": "key", "key": "home"}] * 3))
    assert len(steps) == 1
    run.is_cancelled = lambda: True
    with pytest.raises(Cancelled):
        await run._sleep(60)
