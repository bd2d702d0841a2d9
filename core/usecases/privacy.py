"""A person asks what the platform holds about them, or asks for it to be deleted."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core import audit
from core.clock import Clock
from core.ports import UnitOfWork
from core.privacy import Erasure, Kept, Obstacle, new_stand_in_id
from core.usecases.audit import record


async def export_personal_data(uow: UnitOfWork, clock: Clock, person_id: int) -> dict[str, Any]:
    """Every topic's part, by topic; topics holding nothing are left out."""
    exported: dict[str, Any] = {}
    for section in uow.personal_data:
        part = await section.export(person_id)
        if part:
            exported[section.topic] = part
    await record(uow, clock, person_id, audit.DATA_EXPORTED, person_id, topics=sorted(exported))
    await uow.commit()
    return exported


async def erasure_obstacles(uow: UnitOfWork, clock: Clock, person_id: int) -> list[Obstacle]:
    found: list[Obstacle] = []
    for section in uow.personal_data:
        found += await section.obstacles(person_id, clock.now())
    return found


@dataclass(frozen=True)
class ErasureOutcome:
    done: bool
    obstacles: list[Obstacle] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)


async def erase_personal_data(uow: UnitOfWork, clock: Clock, person_id: int) -> ErasureOutcome:
    """Delete or anonymise everything, unless something must be settled first (then nothing changes)."""
    obstacles = await erasure_obstacles(uow, clock, person_id)
    if obstacles:
        await uow.rollback()
        return ErasureOutcome(done=False, obstacles=obstacles)
    erasure = Erasure(person_id, new_stand_in_id(), clock.now())
    kept: list[Kept] = []
    for section in uow.personal_data:
        kept += await section.erase(erasure)
    # The deletion's own entry names the stand-in too: deletion sticks when the person comes back.
    await record(
        uow, clock, erasure.stand_in_id, audit.DATA_ERASED, erasure.stand_in_id,
        kept={f"{item.topic}:{item.reason}": item.count for item in kept},
    )
    await uow.commit()
    return ErasureOutcome(done=True, kept=kept)
