"""The presets every user starts with: the Pixverse app's "log in" and "claim the daily
reward". The app's package, resource ids and words are our best guess at the real app
(docs/automation.md); a user whose app differs edits a copy."""

from __future__ import annotations

from typing import Any

PIXVERSE = "com.pixverse.pixverse"


def _id(name: str) -> dict[str, Any]:
    return {"resource_id": name}


def _dismiss_popups() -> list[dict[str, Any]]:
    return [
        {
            "type": "if_element",
            "element": {"text": "Later"},
            "actions": [{"type": "tap", "element": {"text": "Later"}}],
        },
    ]


LOGIN: list[dict[str, Any]] = [
    {"type": "stop_app", "package": PIXVERSE},
    {"type": "launch_app", "package": PIXVERSE},
    {"type": "wait", "seconds": 1},
    *_dismiss_popups(),
    {
        "type": "if_element",  # signed in already (as whichever account): sign out first
        "element": _id("tab_profile"),
        "actions": [
            {
                "type": "if_element",
                "element": _id("btn_close"),
                "actions": [{"type": "tap", "element": _id("btn_close")}],
            },
            {"type": "tap", "element": _id("tab_profile")},
            {"type": "wait_for_element", "element": _id("btn_logout"), "timeout_s": 10},
            {"type": "tap", "element": _id("btn_logout")},
        ],
    },
    {"type": "wait_for_element", "element": _id("btn_login"), "timeout_s": 15},
    {"type": "tap", "element": _id("btn_login")},
    {"type": "wait_for_element", "element": _id("et_email"), "timeout_s": 10},
    {"type": "type_text", "text": "{email}", "element": _id("et_email")},
    {"type": "type_text", "text": "{password}", "element": _id("et_password")},
    {"type": "tap", "element": _id("btn_submit")},
    {
        "type": "wait_for_element",
        "element": _id("tab_profile"),
        "timeout_s": 20,
        "continue_on_timeout": True,
    },
    {"type": "screenshot", "label": "after log in"},
    {
        "type": "assert_element",
        "element": _id("tab_profile"),
        "message": "not signed in: check the account's email and password",
    },
]

CLAIM_REWARD: list[dict[str, Any]] = [
    {"type": "launch_app", "package": PIXVERSE},
    {"type": "wait", "seconds": 1},
    *_dismiss_popups(),
    {
        "type": "wait_for_element",
        "element": _id("tab_profile"),
        "timeout_s": 20,
        "continue_on_timeout": True,
    },
    {
        "type": "assert_element",
        "element": _id("tab_profile"),
        "message": "not signed in: run the log-in preset for this account first",
    },
    {
        "type": "wait_for_element",
        "element": _id("btn_claim"),
        "timeout_s": 5,
        "continue_on_timeout": True,
    },
    {
        "type": "if_element",
        "element": _id("btn_claim"),
        "actions": [
            {"type": "tap", "element": _id("btn_claim")},
            {"type": "wait", "seconds": 1},
        ],
    },
    {"type": "screenshot", "label": "after claim"},
    {
        "type": "assert_element",
        "element": _id("btn_claim"),
        "present": False,
        "message": "the daily reward is still offered after tapping Claim",
    },
]

PRESETS: list[dict[str, Any]] = [
    {
        "name": "Pixverse: log in",
        "description": "Signs the Pixverse app in as the account (email and password).",
        "category": "login",
        "provider_id": "pixverse",
        "actions": LOGIN,
    },
    {
        "name": "Pixverse: claim daily reward",
        "description": "Opens the Pixverse app (signed in) and claims the daily reward.",
        "category": "reward",
        "provider_id": "pixverse",
        "actions": CLAIM_REWARD,
    },
]
