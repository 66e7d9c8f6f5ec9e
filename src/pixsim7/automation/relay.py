"""A device behind a device agent, as the executor sees it: each ADB request is a row the
agent takes over its own outbound connection (`agents.next_command`) and answers
(`agents.answer`). Rows, not a socket held by one API process: whichever process the
agent polls serves it, and the worker running the execution only reads the answer.

A command may hold a password being typed, so it is stored encrypted and its row is
deleted as soon as it is answered (or given up on).
"""

from __future__ import annotations

import asyncio

from sqlalchemy import delete

from pixsim7 import clock
from pixsim7.automation import wakeup
from pixsim7.automation.adb import SHELL_TIMEOUT_S, AdbError
from pixsim7.automation.models import AgentCommand
from pixsim7.db import Database
from pixsim7.security import SecretBox

ANSWER_TIMEOUT_S = SHELL_TIMEOUT_S + 15  # the agent's own ADB timeout, plus its round trip


class AgentDevice:
    def __init__(
        self,
        db: Database,
        box: SecretBox,
        *,
        agent_id: int,
        serial: str,
        timeout_s: float = ANSWER_TIMEOUT_S,
    ) -> None:
        self.db, self.box = db, box
        self.agent_id, self.serial = agent_id, serial
        self.timeout_s = timeout_s

    async def shell(self, command: str) -> str:
        return (await self._run("shell", command)).decode("utf-8", errors="replace")

    async def exec(self, command: str) -> bytes:
        return await self._run("exec", command)

    async def _run(self, op: str, command: str) -> bytes:
        async with self.db.session() as session:
            row = AgentCommand(
                agent_id=self.agent_id,
                op=op,
                serial=self.serial,
                command=self.box.encrypt(command),
                status="pending",
                created_at=clock.now(),
            )
            session.add(row)
            await session.commit()
            command_id = row.id
        try:
            with wakeup.answers.watch(command_id) as answered:
                wakeup.commands.notify(self.agent_id)
                return await self._answer(command_id, answered)
        finally:
            async with self.db.session() as session:
                await session.execute(delete(AgentCommand).where(AgentCommand.id == command_id))
                await session.commit()

    async def _answer(self, command_id: int, answered: asyncio.Event) -> bytes:
        loop = asyncio.get_running_loop()
        end = loop.time() + self.timeout_s
        wait = 0.02
        while loop.time() < end:
            async with self.db.reader() as session:
                row = await session.get(AgentCommand, command_id)
                if row is None:
                    raise AdbError("the command was dropped (the agent was revoked)")
                if row.status == "done":
                    if row.error:
                        raise AdbError(row.error)
                    return row.output or b""
            await wakeup.wait(answered, wait)  # the agent's answer wakes it (same process)
            wait = min(wait * 2, 0.25)
        raise AdbError("the device agent did not answer in time")
