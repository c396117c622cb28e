"""Response bodies of the Signups inventory reads, in the reference's field names."""

from pydantic import BaseModel, Field

from mascustomers.kit.schemas import JsonAmount


class AvailableMsisdns(BaseModel):
    host_cfg_id: int = Field(description="this endpoint only support YOIGO network (1)")
    available_msisdns: list[str] = Field(description="free mobile numbers of the pool")


class AvailableIccids(BaseModel):
    available_iccids: list[str] = Field(
        description="ICCIDs (with their Luhn check digit) of SIM cards in stock, ascending"
    )
    next_after: str | None = Field(
        description="pass as ``after`` for the next page; null on the last page"
    )


class SimcardInfo(BaseModel):
    simcard_status_id: int = Field(
        description="Simcard status id: 1 DISPONIBLE, 2 RESERVADA, 3 ACTIVA, 4 SUSTITUIDA, 5 BAJA"
    )
    origin_id: int = Field(description="Origin id: 1 ALMACEN, 2 TIENDA, 3 LOGISTICA")
    create_date: str = Field(description="Date of creation (YYYY-MM-DD)")
    last_status_date: str = Field(description="Last status date (YYYY-MM-DD)")
    promotion_code: str | None = Field(description="Promotion code", examples=["NTH_256"])
    society_id: str | None = Field(description="Society the card belongs to")
    initial_balance: JsonAmount = Field(description="Initial balance")
