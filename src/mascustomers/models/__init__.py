"""All models, imported so that ``Base.metadata`` is complete."""

from mascustomers.models.api_key import ApiKey
from mascustomers.models.org import Org

__all__ = ["ApiKey", "Org"]
