"""The fake ComfyUI's execution queue: one prompt at a time, moved by timestamps.

No background task runs. Each call first `advance`s: the running prompt finishes
`seconds` after it started, the next pending one starts when the executor frees up,
and finished prompts land in the history as a real server writes them
(``status.status_str``, ``completed``, ``messages`` and ``outputs``). An interrupt
takes effect when the next node starts, as in ComfyUI, so the prompt stays
"running" until then.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# What happens when a prompt reaches a node (by id): None to go on, else an
# (exception_type, exception_message) that fails the run there.
NodeCheck = Callable[[str], tuple[str, str] | None]


@dataclass
class FakePrompt:
    number: int
    prompt_id: str
    graph: dict[str, Any]
    extra_data: dict[str, Any]
    outputs_to_execute: list[str]
    queued_at: float
    seconds: float
    check: NodeCheck
    started: float | None = None
    stop_node: int | None = None  # set by an interrupt: the index of the next node
    outputs: dict[str, Any] = field(default_factory=dict)  # filled by the app on success

    def as_queue_item(self) -> list[Any]:
        return [self.number, self.prompt_id, self.graph, self.extra_data, self.outputs_to_execute]

    def node_start(self, index: int) -> float:
        assert self.started is not None
        return self.started + self.seconds * index / max(1, len(self.graph))


class FakeQueue:
    """Pending prompts, the running one, and the history, guarded by one lock."""

    def __init__(self, now: Callable[[], float], on_success: Callable[[FakePrompt], None]):
        self._now = now
        self._on_success = on_success  # writes the outputs (file names) of a finished prompt
        self._lock = threading.RLock()
        self._numbers = 0
        self._free_at = 0.0
        self.pending: list[FakePrompt] = []
        self.running: FakePrompt | None = None
        self.history: dict[str, dict[str, Any]] = {}

    def put(self, prompt_id: str, graph: dict[str, Any], extra: dict[str, Any], **kw: Any) -> int:
        with self._lock:
            self.advance()
            number = self._numbers
            self._numbers += 1
            self.pending.append(
                FakePrompt(number, prompt_id, graph, extra, queued_at=self._now(), **kw)
            )
            return number

    def advance(self) -> None:
        now = self._now()
        with self._lock:
            while self.running is not None or self.pending:
                if self.running is None:
                    nxt = self.pending.pop(0)
                    nxt.started = max(nxt.queued_at, self._free_at)
                    self.running = nxt
                run = self.running
                end = self._end_of(run)
                if end > now:
                    return
                self.history[run.prompt_id] = self._finish(run, end)
                self._free_at = end
                self.running = None

    def snapshot(self) -> tuple[list[list[Any]], list[list[Any]]]:
        with self._lock:
            self.advance()
            running = [self.running.as_queue_item()] if self.running else []
            return running, [p.as_queue_item() for p in self.pending]

    def delete(self, prompt_ids: list[str]) -> None:
        with self._lock:
            self.advance()
            self.pending = [p for p in self.pending if p.prompt_id not in prompt_ids]

    def clear(self) -> None:
        with self._lock:
            self.pending.clear()

    def interrupt(self, prompt_id: str | None = None) -> None:
        """Stop the running prompt at its next node (only `prompt_id`'s, when given)."""
        with self._lock:
            self.advance()
            run = self.running
            if run is None or run.stop_node is not None:
                return
            if prompt_id is not None and run.prompt_id != prompt_id:
                return
            assert run.started is not None
            # seconds > 0 here: a zero-length prompt has already finished in advance().
            per_node = run.seconds / max(1, len(run.graph))
            next_node = math.floor((self._now() - run.started) / per_node) + 1
            if next_node < len(run.graph):  # inside the last node it is too late
                run.stop_node = next_node

    def get_history(self, prompt_id: str | None = None, max_items: int | None = None) -> dict:
        with self._lock:
            self.advance()
            if prompt_id is not None:
                entry = self.history.get(prompt_id)
                return {prompt_id: entry} if entry is not None else {}
            items = list(self.history.items())
            return dict(items[-max_items:] if max_items else items)

    def _end_of(self, run: FakePrompt) -> float:
        assert run.started is not None
        if run.stop_node is not None:
            return run.node_start(run.stop_node)
        return run.started + run.seconds

    def _finish(self, run: FakePrompt, end: float) -> dict[str, Any]:
        assert run.started is not None
        node_ids = list(run.graph)
        messages: list[list[Any]] = [
            ["execution_start", {"prompt_id": run.prompt_id, "timestamp": _ms(run.started)}],
            [
                "execution_cached",
                {"nodes": [], "prompt_id": run.prompt_id, "timestamp": _ms(run.started)},
            ],
        ]
        failure: tuple[str, str] | None = None
        stopped_at = len(node_ids) if run.stop_node is None else run.stop_node
        for index, node_id in enumerate(node_ids[:stopped_at]):
            failure = run.check(node_id)
            if failure is not None:
                stopped_at = index
                break
        base = {"prompt_id": run.prompt_id, "timestamp": _ms(end)}
        if stopped_at == len(node_ids):
            self._on_success(run)
            messages.append(["execution_success", base])
            status, outputs = "success", run.outputs
        else:
            node_id = node_ids[stopped_at]
            detail = {
                **base,
                "node_id": node_id,
                "node_type": run.graph[node_id]["class_type"],
                "executed": node_ids[:stopped_at],
            }
            if failure is None:
                messages.append(["execution_interrupted", detail])
            else:
                kind, text = failure
                detail |= {
                    "exception_message": text,
                    "exception_type": kind,
                    "traceback": [f"{kind}: {text}\n"],
                    "current_inputs": {},
                    "current_outputs": {},
                }
                messages.append(["execution_error", detail])
            status, outputs = "error", {}
        return {
            "prompt": run.as_queue_item(),
            "outputs": outputs,
            "status": {
                "status_str": status,
                "completed": status == "success",
                "messages": messages,
            },
            "meta": {node: {"node_id": node, "display_node": node} for node in outputs},
        }


def _ms(ts: float) -> int:
    return int(ts * 1000)
