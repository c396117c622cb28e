"""Handing records over to the AEAT: an interface, and the only implementation, a file drop.

Sending to the AEAT's web service needs the issuer's qualified certificate and the network;
neither is here, so nothing in this package talks to the AEAT. A ``Submitter`` takes one XML
document (at most 1,000 consecutive records of one chain) and says where it went. The
``FileDrop`` writes it into a directory, for a separate sender (or a person with the
certificate) to take from there; the record of each hand-off (``billing_record_submission``)
says which records went where, so each is handed over once. Whatever picks the files up is
responsible for the actual submission and for AEAT's answers.
"""

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy.orm import Session

from mascustomers.billing.verifactu import repository, xml
from mascustomers.models import BillingRecordSubmission


class Submitter(Protocol):
    @property
    def channel(self) -> str:
        """The kind of hand-off, as recorded (``file-drop``)."""
        ...

    def submit(self, *, issuer_tax_id: str, first_seq: int, last_seq: int, content: bytes) -> str:
        """Hand the document over; where it went (a path, a receipt id)."""
        ...


@dataclass(frozen=True)
class FileDrop:
    """Writes each document as ``<NIF>_<first>-<last>.xml`` into ``directory`` (atomically:
    a reader never sees half a file)."""

    directory: Path
    channel: str = "file-drop"

    def submit(self, *, issuer_tax_id: str, first_seq: int, last_seq: int, content: bytes) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.directory / f"{issuer_tax_id}_{first_seq:010d}-{last_seq:010d}.xml"
        partial = target.with_suffix(".xml.part")
        partial.write_bytes(content)
        os.replace(partial, target)
        return str(target)


def export(
    session: Session,
    *,
    org_id: int,
    issuer_tax_id: str,
    first_seq: int,
    last_seq: int,
) -> bytes:
    """The XML of records ``first_seq``…``last_seq`` of the chain (at most 1,000 from
    ``first_seq``); the header names the issuer as its records do."""
    records = repository.records_between(
        session,
        org_id=org_id,
        issuer_tax_id=issuer_tax_id,
        first_seq=first_seq,
        last_seq=min(last_seq, first_seq + xml.MAX_RECORDS - 1),
    )
    previous = (
        repository.record_at(
            session, org_id=org_id, issuer_tax_id=issuer_tax_id, chain_seq=first_seq - 1
        )
        if first_seq > 1
        else None
    )
    named = records[0] if records else previous
    issuer_name = str(named.details["issuer_name"]) if named is not None else issuer_tax_id
    return xml.document(
        records, previous=previous, issuer_name=issuer_name, issuer_tax_id=issuer_tax_id
    )


def submit_pending(
    session: Session,
    *,
    org_id: int,
    issuer_tax_id: str,
    submitter: Submitter,
    now: datetime,
) -> list[BillingRecordSubmission]:
    """Hand over every record of the chain not handed over yet, 1,000 per document."""
    done = []
    first = repository.last_submitted(session, org_id=org_id, issuer_tax_id=issuer_tax_id) + 1
    last = repository.last_seq(session, org_id=org_id, issuer_tax_id=issuer_tax_id)
    while first <= last:
        upto = min(last, first + xml.MAX_RECORDS - 1)
        content = export(
            session,
            org_id=org_id,
            issuer_tax_id=issuer_tax_id,
            first_seq=first,
            last_seq=upto,
        )
        location = submitter.submit(
            issuer_tax_id=issuer_tax_id, first_seq=first, last_seq=upto, content=content
        )
        submission = BillingRecordSubmission(
            org_id=org_id,
            issuer_tax_id=issuer_tax_id,
            first_seq=first,
            last_seq=upto,
            channel=submitter.channel,
            location=location[:500],
            submitted_at=now,
        )
        repository.add_submission(session, submission)
        done.append(submission)
        first = upto + 1
    return done
