"""The yardstick: a bare FastAPI endpoint returning a constant Pydantic model."""

from fastapi import FastAPI
from pydantic import BaseModel


class Constant(BaseModel):
    id: int
    value: str
    active: bool


app = FastAPI()
CONSTANT = Constant(id=214748364, value="TARIFA MAS 10GB CONV", active=True)


@app.get("/constant")
async def constant() -> Constant:
    return CONSTANT
