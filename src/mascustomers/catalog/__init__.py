"""Catalogue (products, bundles, bonuses, promotions, services, devices), master data, inventory."""
