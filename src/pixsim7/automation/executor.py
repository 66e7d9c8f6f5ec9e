"""Runs a preset's actions on a device, one at a time, writing down each step.

The executor knows nothing of the database: it is handed the device, the variables, what
must never be written down (`Secrets`), and callbacks for each step, each screenshot and
the question "was this cancelled?". A failing action raises `ActionFailed` naming its
place (``"3"``, or ``"3.1.0"`` inside blocks), its type and its parameters, with secrets
masked everywhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import shlex
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pixsim7 import clock
from pixsim7.automation import actions as A
from pixsim7.automation import hierarchy
from pixsim7.automation.adb import AdbError, DeviceIO
from pixsim7.automation.variables import MissingVariable, Secrets, substitute

DUMP_PATH = "/sdcard/window_dump.xml"
POLL_SLICE_S = 0.25  # how often a wait looks whether it was cancelled


@dataclass
class Step:
    """One log line: an action done (or failed), masked."""

    path: str
    type: str
    message: str
    ok: bool
    started_at: dt.datetime
    duration_ms: int
    screenshot_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "type": self.type,
            "message": self.message,
            "ok": self.ok,
            "started_at": self.started_at.isoformat(),
            "duration_ms": self.duration_ms,
            "screenshot_id": self.screenshot_id,
        }


class ActionFailed(Exception):
    def __init__(self, path: str, action: Any, message: str, params: dict[str, Any]) -> None:
        super().__init__(message)
        self.path = path
        self.action_type: str = action.type
        self.message = message
        self.params = params


class Cancelled(Exception):
    pass


class _Failure(Exception):
    """Raised inside an action; `_run_one` turns it into ActionFailed with the place."""


StepSink = Callable[[Step], Awaitable[None]]
ScreenshotSink = Callable[[bytes, str], Awaitable[int]]  # (png, label) -> screenshot id


async def _no_step(_: Step) -> None:
    return None


@dataclass
class Executor:
    device: DeviceIO
    values: dict[str, str] = field(default_factory=dict)
    secrets: Secrets = field(default_factory=Secrets)
    on_step: StepSink = _no_step
    on_screenshot: ScreenshotSink | None = None
    is_cancelled: Callable[[], bool] = lambda: False
    _screenshot_id: int | None = None

    async def run(self, actions: list[Any]) -> None:
        """Runs every action (ActionFailed, Cancelled). After a failure, a screenshot of the
        screen as it was is kept when the device still answers."""
        try:
            await self._run_list(actions, "")
        except ActionFailed:
            await self._failure_screenshot()
            raise

    async def _run_list(self, actions: list[Any], prefix: str) -> None:
        for i, action in enumerate(actions):
            await self._run_one(action, f"{prefix}{i}")

    async def _run_one(self, action: Any, path: str) -> None:
        if self.is_cancelled():
            raise Cancelled()
        started, t0 = clock.now(), asyncio.get_running_loop().time()
        self._screenshot_id = None

        async def log(message: str, ok: bool) -> None:
            ms = int((asyncio.get_running_loop().time() - t0) * 1000)
            step = Step(path, action.type, self.secrets.mask(message), ok, started, ms)
            step.screenshot_id = self._screenshot_id
            await self.on_step(step)

        try:
            message = await getattr(self, f"_do_{action.type}")(action, path)
        except (_Failure, AdbError, hierarchy.DumpError, MissingVariable) as exc:
            text = self.secrets.mask(str(exc))
            await log(text, False)
            params = action.model_dump(mode="json", exclude={"actions"}, exclude_none=True)
            raise ActionFailed(path, action, text, self._masked(params)) from exc
        if message is not None:  # blocks log their own line before their children's
            await log(message, True)

    def _masked(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.secrets.mask(value)
        if isinstance(value, dict):
            return {k: self._masked(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._masked(v) for v in value]
        return value

    # -- the device ------------------------------------------------------------------------
    async def _shell(self, command: str) -> str:
        output = await self.device.shell(command)
        if output.startswith(("Error", "** Error", "/system/bin/sh:")):
            raise _Failure(output.strip().splitlines()[0])
        return output

    async def _screen(self) -> list[hierarchy.Node]:
        await self._shell(f"uiautomator dump {DUMP_PATH}")
        return hierarchy.parse(await self.device.shell(f"cat {DUMP_PATH}"))

    async def _find(self, element: A.Element) -> hierarchy.Node | None:
        return hierarchy.find(await self._screen(), element)

    async def _sleep(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while (left := end - loop.time()) > 0:
            if self.is_cancelled():
                raise Cancelled()
            await asyncio.sleep(min(left, POLL_SLICE_S))

    async def _screenshot(self, label: str) -> int | None:
        if self.on_screenshot is None:
            return None
        png = await self.device.exec("screencap -p")
        if not png.startswith(b"\x89PNG"):
            raise _Failure("the device did not answer screencap with a PNG")
        self._screenshot_id = await self.on_screenshot(png, label)
        return self._screenshot_id

    async def _failure_screenshot(self) -> None:
        with contextlib.suppress(AdbError, _Failure):
            await self._screenshot("failure")

    # -- the actions -----------------------------------------------------------------------
    async def _do_wait(self, a: A.Wait, path: str) -> str:
        await self._sleep(a.seconds)
        return f"waited {a.seconds:g} s"

    async def _do_launch_app(self, a: A.LaunchApp, path: str) -> str:
        if a.activity:
            await self._shell(f"am start -n {shlex.quote(a.package + '/' + a.activity)}")
        else:
            await self._shell(
                f"monkey -p {shlex.quote(a.package)} -c android.intent.category.LAUNCHER 1"
            )
        return f"launched {a.package}"

    async def _do_stop_app(self, a: A.StopApp, path: str) -> str:
        await self._shell(f"am force-stop {shlex.quote(a.package)}")
        return f"stopped {a.package}"

    async def _tap_element(self, element: A.Element) -> str:
        node = await self._find(element)
        if node is None:
            raise _Failure(f"element not found: {element.describe()}")
        x, y = node.center
        await self._shell(f"input tap {x} {y}")
        return f"tapped {element.describe()} at ({x}, {y})"

    async def _do_tap(self, a: A.Tap, path: str) -> str:
        if a.element is not None:
            return await self._tap_element(a.element)
        await self._shell(f"input tap {a.x} {a.y}")
        return f"tapped ({a.x}, {a.y})"

    async def _do_type_text(self, a: A.TypeText, path: str) -> str:
        text = substitute(a.text, self.values)
        if a.element is not None:
            await self._tap_element(a.element)
        # `input text` ends its argument at a space; it reads "%s" as one.
        await self._shell(f"input text {shlex.quote(text.replace(' ', '%s'))}")
        return f"typed {text!r}"

    async def _do_key(self, a: A.PressKey, path: str) -> str:
        await self._shell(f"input keyevent {A.KEYCODES[a.key]}")
        return f"pressed {a.key.value}"

    async def _do_swipe(self, a: A.Swipe, path: str) -> str:
        await self._shell(f"input swipe {a.x1} {a.y1} {a.x2} {a.y2} {a.duration_ms}")
        return f"swiped ({a.x1}, {a.y1}) → ({a.x2}, {a.y2}) in {a.duration_ms} ms"

    async def _do_screenshot(self, a: A.Screenshot, path: str) -> str:
        await self._screenshot(a.label or "screenshot")
        return f"screenshot {a.label or ''}".strip()

    async def _do_wait_for_element(self, a: A.WaitForElement, path: str) -> str:
        loop = asyncio.get_running_loop()
        end = loop.time() + a.timeout_s
        while True:
            if await self._find(a.element) is not None:
                return f"found {a.element.describe()}"
            if loop.time() + a.interval_s > end:
                break
            await self._sleep(a.interval_s)
        if a.continue_on_timeout:
            return f"not found in {a.timeout_s:g} s, going on: {a.element.describe()}"
        raise _Failure(f"not found in {a.timeout_s:g} s: {a.element.describe()}")

    async def _block(self, a: Any, path: str, run: bool, why: str) -> None:
        step = Step(path, a.type, why, True, clock.now(), 0)
        await self.on_step(step)
        if run:
            await self._run_list(a.actions, f"{path}.")

    async def _do_if_element(self, a: A.IfElement, path: str) -> None:
        found = await self._find(a.element) is not None
        why = f"{a.element.describe()} {'found' if found else 'not found'}"
        await self._block(a, path, found, why)

    async def _do_if_not_element(self, a: A.IfNotElement, path: str) -> None:
        found = await self._find(a.element) is not None
        why = f"{a.element.describe()} {'found' if found else 'not found'}"
        await self._block(a, path, not found, why)

    async def _do_repeat(self, a: A.Repeat, path: str) -> None:
        limit = min(a.count or a.max_iterations, a.max_iterations)
        await self._block(a, path, False, f"repeating up to {limit} times")
        for i in range(limit):
            if a.until_element is not None and await self._find(a.until_element) is not None:
                return
            if i and a.delay_s:
                await self._sleep(a.delay_s)
            await self._run_list(a.actions, f"{path}.{i}.")
        if a.until_element is not None and await self._find(a.until_element) is None:
            raise _Failure(f"still not found after {limit} times: {a.until_element.describe()}")

    async def _do_assert_element(self, a: A.AssertElement, path: str) -> str:
        found = await self._find(a.element) is not None
        if found != a.present:
            state = "not on screen" if a.present else "still on screen"
            raise _Failure(a.message or f"{a.element.describe()} is {state}")
        return f"{a.element.describe()} {'is' if found else 'is not'} on screen"
