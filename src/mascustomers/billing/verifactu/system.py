"""The billing software as VERI*FACTU records name it (``SistemaInformatico``).

The producer is the issuer itself unless the deployment says otherwise: the regulation allows
software developed by the taxpayer for its own use, and whoever distributes this software to
others signs its own declaration of conformity (``declaración responsable``) with its NIF.
"""

from importlib import metadata
from typing import Any

SYSTEM_NAME = "mascustomers"
# IdSistemaInformatico: two characters the producer chooses.
SYSTEM_ID = "MC"


def version() -> str:
    try:
        return metadata.version("mascustomers")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "0"


def system_info(*, producer_name: str, producer_tax_id: str, installation: str) -> dict[str, Any]:
    """The ``SistemaInformatico`` block, as stored in a record's details."""
    return {
        "NombreRazon": producer_name[:120],
        "NIF": producer_tax_id,
        "NombreSistemaInformatico": SYSTEM_NAME,
        "IdSistemaInformatico": SYSTEM_ID,
        "Version": version()[:50],
        "NumeroInstalacion": installation[:100],
        # Built to send records the VERI*FACTU way only; one installation serves many orgs.
        "TipoUsoPosibleSoloVerifactu": "S",
        "TipoUsoPosibleMultiOT": "S",
        "IndicadorMultiplesOT": "S",
    }
