"""A scripted Android phone for the fake ADB server: a screen model of the Pixverse app.

`FakePhone` answers the shell commands the executor sends (`input`, `am`, `monkey`,
`uiautomator dump`, `cat`, `screencap`, `getprop`, `wm size`) from the state of the app in
the foreground. Taps land on the element under the point, so a preset that taps the wrong
place, types the wrong password or waits for a screen that never comes fails for real.

`PixverseApp` is a guess at the Pixverse Android app, not a copy of it: the package name,
resource ids and the exact words on its screens are ours (docs/automation.md says so). Its
screens: welcome (not signed in) → login form (email, password, "Log in") → home, where a
"Daily reward" dialog offers a claim once a day; Profile → "Log out" returns to welcome.
`accounts` maps email → `FakeAccount`; a claim adds `reward` credits and calls `on_claim`,
so a test can keep a fake provider's balance in step.
"""

from __future__ import annotations

import io
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

PIXVERSE_PACKAGE = "com.pixverse.pixverse"
DUMP_PATH = "/sdcard/window_dump.xml"
_ID = PIXVERSE_PACKAGE + ":id/"


@dataclass
class FakeAccount:
    password: str
    credits: int = 0
    claimed_on: str | None = None  # the day (YYYY-MM-DD) of the last claim


@dataclass
class Widget:
    key: str  # what the app calls it when tapped
    text: str = ""
    resource_id: str = ""
    content_desc: str = ""
    class_name: str = "android.widget.TextView"
    bounds: tuple[int, int, int, int] = (0, 0, 0, 0)
    clickable: bool = False
    editable: bool = False
    password: bool = False


@dataclass
class PixverseApp:
    accounts: dict[str, FakeAccount] = field(default_factory=dict)
    reward: int = 30
    today: Callable[[], str] = lambda: "2026-01-01"
    on_claim: Callable[[str, int], None] | None = None  # (email, new balance)
    update_prompt: bool = False  # an "Update available" dialog over the first screen
    screen: str = "welcome"
    signed_in: str | None = None  # email
    fields: dict[str, str] = field(default_factory=dict)
    focused: str | None = None
    error: str | None = None
    dialog: str | None = None
    history: list[str] = field(default_factory=list)

    # -- lifecycle -------------------------------------------------------------------------
    def launch(self) -> None:
        self.screen = "home" if self.signed_in else "welcome"
        self.fields, self.focused, self.error = {}, None, None
        self.dialog = "update" if self.update_prompt else self._reward_dialog()
        self.history = []

    def _reward_dialog(self) -> str | None:
        account = self.accounts.get(self.signed_in or "")
        if self.screen == "home" and account and account.claimed_on != self.today():
            return "reward"
        return None

    def _go(self, screen: str) -> None:
        self.history.append(self.screen)
        self.screen, self.focused, self.error = screen, None, None
        self.dialog = self._reward_dialog() if screen == "home" else None

    # -- what is on screen -----------------------------------------------------------------
    def widgets(self, width: int, height: int) -> list[Widget]:
        def row(y: int, h: int = 120) -> tuple[int, int, int, int]:
            return (80, y, width - 80, y + h)

        if self.dialog == "update":
            return [
                Widget("title", "Update available", bounds=row(900)),
                Widget("later", "Later", _ID + "btn_later", "", "android.widget.Button",
                       row(1100), clickable=True),
            ]  # fmt: skip
        out: list[Widget] = []
        if self.screen == "welcome":
            out = [
                Widget("logo", "PixVerse", content_desc="PixVerse logo", bounds=row(400, 200)),
                Widget("to_login", "Log in", _ID + "btn_login", "", "android.widget.Button",
                       row(1600), clickable=True),
                Widget("signup", "Sign up", _ID + "btn_signup", "", "android.widget.Button",
                       row(1800), clickable=True),
            ]  # fmt: skip
        elif self.screen == "login":
            out = [
                Widget("title", "Log in to PixVerse", bounds=row(300)),
                Widget("email", self.fields.get("email", "") or "Email", _ID + "et_email", "",
                       "android.widget.EditText", row(600), clickable=True, editable=True),
                Widget("password", "•" * len(self.fields.get("password", "")) or "Password",
                       _ID + "et_password", "", "android.widget.EditText", row(800),
                       clickable=True, editable=True, password=True),
                Widget("submit", "Log in", _ID + "btn_submit", "", "android.widget.Button",
                       row(1000), clickable=True),
            ]  # fmt: skip
            if self.error:
                out.append(Widget("error", self.error, _ID + "tv_error", bounds=row(1150)))
        elif self.screen == "home":
            account = self.accounts.get(self.signed_in or "")
            credits = account.credits if account else 0
            out = [
                Widget("credits", f"{credits} credits", _ID + "tv_credits", bounds=row(200)),
                Widget("create", "Create", _ID + "tab_create", "Create", "android.widget.Button",
                       (0, height - 200, width // 2, height), clickable=True),
                Widget("profile", "Profile", _ID + "tab_profile", "Profile",
                       "android.widget.Button", (width // 2, height - 200, width, height),
                       clickable=True),
            ]  # fmt: skip
            if self.dialog == "reward":
                out += [
                    Widget("reward", "Daily reward", _ID + "tv_reward_title", bounds=row(900)),
                    Widget("claim", "Claim", _ID + "btn_claim", "", "android.widget.Button",
                           row(1100), clickable=True),
                    Widget("close", "", _ID + "btn_close", "Close", "android.widget.ImageButton",
                           (width - 200, 800, width - 80, 880), clickable=True),
                ]  # fmt: skip
        elif self.screen == "profile":
            out = [
                Widget("who", self.signed_in or "", _ID + "tv_email", bounds=row(300)),
                Widget("logout", "Log out", _ID + "btn_logout", "", "android.widget.Button",
                       row(1500), clickable=True),
            ]  # fmt: skip
        return out

    # -- input -----------------------------------------------------------------------------
    def tap(self, widget: Widget | None) -> None:
        if widget is None:
            return
        key = widget.key
        if self.dialog == "update":
            if key == "later":
                self.dialog = self._reward_dialog() if self.screen == "home" else None
            return
        if widget.editable:
            self.focused = key
        elif key == "to_login":
            self._go("login")
        elif key == "submit":
            self._submit()
        elif key == "claim":
            self._claim()
        elif key == "close":
            self.dialog = None
        elif key == "profile" and self.dialog is None:
            self._go("profile")
        elif key == "logout":
            self.signed_in = None
            self.history = []
            self._go("welcome")

    def type(self, text: str) -> None:
        if self.screen == "login" and self.focused:
            self.fields[self.focused] = self.fields.get(self.focused, "") + text

    def key(self, code: int) -> None:
        if code == 4:  # back
            if self.dialog:
                self.dialog = None
            elif self.history:
                self.screen, self.focused, self.error = self.history.pop(), None, None
        elif code == 66 and self.screen == "login":  # enter
            self._submit()

    def _submit(self) -> None:
        email = self.fields.get("email", "").strip()
        account = self.accounts.get(email)
        if account is None or account.password != self.fields.get("password"):
            self.error = "Incorrect email or password"
            return
        self.signed_in = email
        self.fields = {}
        self.history = []
        self._go("home")

    def _claim(self) -> None:
        account = self.accounts.get(self.signed_in or "")
        if account is None or account.claimed_on == self.today():
            return
        account.claimed_on = self.today()
        account.credits += self.reward
        self.dialog = None
        if self.on_claim and self.signed_in:
            self.on_claim(self.signed_in, account.credits)


@dataclass
class FakePhone:
    """One device behind the fake ADB server."""

    serial: str
    model: str = "Pixel_7"
    android: str = "14"
    state: str = "device"  # as `adb devices` says: device, offline, unauthorized
    width: int = 1080
    height: int = 2400
    apps: dict[str, PixverseApp] = field(default_factory=dict)
    foreground: str | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    commands: list[str] = field(default_factory=list)  # every shell command, as received

    @property
    def app(self) -> PixverseApp | None:
        return self.apps.get(self.foreground or "")

    def widgets(self) -> list[Widget]:
        return self.app.widgets(self.width, self.height) if self.app else []

    # -- the shell -------------------------------------------------------------------------
    def shell(self, command: str) -> tuple[bytes, int]:
        """(output, exit status) of one command line."""
        self.commands.append(command)
        try:
            argv = shlex.split(command)
        except ValueError:
            return b"/system/bin/sh: syntax error: unterminated quoted string\n", 1
        if not argv:
            return b"", 0
        handler = getattr(self, f"_cmd_{argv[0].replace('-', '_')}", None)
        if handler is None:
            return f"/system/bin/sh: {argv[0]}: inaccessible or not found\n".encode(), 127
        result: tuple[bytes, int] = handler(argv[1:])
        return result

    def _cmd_getprop(self, args: list[str]) -> tuple[bytes, int]:
        props = {
            "ro.product.model": self.model,
            "ro.build.version.release": self.android,
            "ro.serialno": self.serial,
        }
        return (props.get(args[0], "") + "\n").encode() if args else b"", 0

    def _cmd_wm(self, args: list[str]) -> tuple[bytes, int]:
        return f"Physical size: {self.width}x{self.height}\n".encode(), 0

    def _cmd_echo(self, args: list[str]) -> tuple[bytes, int]:
        return (" ".join(args) + "\n").encode(), 0

    def _cmd_input(self, args: list[str]) -> tuple[bytes, int]:
        if not args:
            return b"usage: input [<source>] <command> [<arg>...]\n", 1
        verb, rest = args[0], args[1:]
        try:
            if verb == "tap":
                x, y = int(float(rest[0])), int(float(rest[1]))
                if self.app:
                    self.app.tap(self._widget_at(x, y))
            elif verb == "text":
                if self.app:
                    # `input text` reads %s as a space (a literal space ends the argument).
                    self.app.type(" ".join(rest).replace("%s", " "))
            elif verb == "keyevent":
                code = int(rest[0])
                if code == 3:  # home: the app goes to the background
                    self.foreground = None
                elif self.app:
                    self.app.key(code)
            elif verb == "swipe":
                [int(float(v)) for v in rest[:4]]
            else:
                return f"Error: Unknown command: {verb}\n".encode(), 1
        except (IndexError, ValueError):
            return f"Error: bad arguments for input {verb}\n".encode(), 1
        return b"", 0

    def _widget_at(self, x: int, y: int) -> Widget | None:
        # Topmost first: later widgets are drawn over earlier ones.
        for widget in reversed(self.widgets()):
            x1, y1, x2, y2 = widget.bounds
            if x1 <= x < x2 and y1 <= y < y2 and widget.clickable:
                return widget
        return None

    def _launch(self, package: str) -> tuple[bytes, int]:
        if package not in self.apps:
            return f"Error: Activity not started, unknown package {package}\n".encode(), 1
        self.foreground = package
        self.apps[package].launch()
        return b"", 0

    def _cmd_am(self, args: list[str]) -> tuple[bytes, int]:
        if args[:1] == ["force-stop"] and len(args) > 1:
            if self.foreground == args[1]:
                self.foreground = None
            return b"", 0
        if args[:1] == ["start"] and "-n" in args:
            component = args[args.index("-n") + 1] if args.index("-n") + 1 < len(args) else ""
            out, status = self._launch(component.split("/", 1)[0])
            return out or f"Starting: Intent {{ cmp={component} }}\n".encode(), status
        return b"Error: unsupported am command\n", 1

    def _cmd_monkey(self, args: list[str]) -> tuple[bytes, int]:
        if "-p" not in args or args.index("-p") + 1 >= len(args):
            return b"** Error: no package given\n", 1
        out, status = self._launch(args[args.index("-p") + 1])
        return out or b"Events injected: 1\n", status

    def _cmd_uiautomator(self, args: list[str]) -> tuple[bytes, int]:
        if args[:1] != ["dump"]:
            return b"Usage: uiautomator dump [FILE]\n", 1
        path = args[1] if len(args) > 1 else DUMP_PATH
        self.files[path] = self.dump().encode()
        return f"UI hierchary dumped to: {path}\n".encode(), 0

    def _cmd_cat(self, args: list[str]) -> tuple[bytes, int]:
        if not args or args[0] not in self.files:
            name = args[0] if args else ""
            return f"cat: {name}: No such file or directory\n".encode(), 1
        return self.files[args[0]], 0

    def _cmd_screencap(self, args: list[str]) -> tuple[bytes, int]:
        return self.screencap(), 0

    # -- what the phone shows --------------------------------------------------------------
    def dump(self) -> str:
        package = self.foreground or "com.android.launcher3"
        nodes = []
        for i, w in enumerate(self.widgets()):
            x1, y1, x2, y2 = w.bounds
            attrs = {
                "index": str(i),
                "text": w.text,
                "resource-id": w.resource_id,
                "class": w.class_name,
                "package": package,
                "content-desc": w.content_desc,
                "clickable": str(w.clickable).lower(),
                "enabled": "true",
                "focused": str(self.app is not None and self.app.focused == w.key).lower(),
                "password": str(w.password).lower(),
                "bounds": f"[{x1},{y1}][{x2},{y2}]",
            }
            nodes.append(
                "<node " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items()) + " />"
            )
        root = (
            f'<node index="0" text="" resource-id="" class="android.widget.FrameLayout" '
            f'package="{package}" content-desc="" clickable="false" enabled="true" '
            f'focused="false" password="false" bounds="[0,0][{self.width},{self.height}]">'
        )
        return (
            "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>"
            f'<hierarchy rotation="0">{root}{"".join(nodes)}</node></hierarchy>'
        )

    def screencap(self) -> bytes:
        """A PNG of the screen: each element a box with its words (a quarter of the size)."""
        from PIL import Image, ImageDraw

        scale = 4
        image = Image.new("RGB", (self.width // scale, self.height // scale), "white")
        draw = ImageDraw.Draw(image)
        for w in self.widgets():
            box = [v // scale for v in w.bounds]
            draw.rectangle(box, outline="black", fill="#dde" if w.clickable else None)
            draw.text((box[0] + 4, box[1] + 4), w.text or w.content_desc, fill="black")
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()


def pixverse_phone(serial: str, accounts: dict[str, FakeAccount], **app: object) -> FakePhone:
    """A phone with the Pixverse app installed and not running."""
    return FakePhone(serial=serial, apps={PIXVERSE_PACKAGE: PixverseApp(accounts=accounts, **app)})  # type: ignore[arg-type]
