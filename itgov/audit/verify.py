"""Verify the hash chain: every row's hash, every link, no gap in the sequence, and the head."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import AuditChainHead, AuditEvent
from .services import GENESIS


@dataclass
class ChainReport:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(batch: int = 2000) -> ChainReport:
    report = ChainReport()
    expected_seq, prev_hash = 1, GENESIS
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch):
        if event.seq != expected_seq:
            report.problems.append(f"missing events #{expected_seq}–#{event.seq - 1}")
            prev_hash = event.prev_hash  # resume the walk after the gap
        if event.prev_hash != prev_hash:
            report.problems.append(f"event #{event.seq}: link to the previous event is broken")
        if event.compute_hash() != event.hash:
            report.problems.append(f"event #{event.seq}: content does not match its hash (tampered)")
        prev_hash, expected_seq = event.hash, event.seq + 1
        report.checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or (last_seq and head.hash != prev_hash)):
        report.problems.append(f"chain head says #{head.seq}, the table ends at #{last_seq}: events missing at the end")
    return report
