"""VERI*FACTU (Real Decreto 1007/2023, Orden HAC/1177/2024): billing records, their chained
fingerprints, the regulation's XML, the invoice QR and the hand-off to the AEAT.

``fingerprint`` and ``qr`` are pure; ``records`` appends records in the invoice's
transaction; ``chain`` verifies a stored chain; ``xml`` writes the records as the AEAT's
``RegFactuSistemaFacturacion`` document; ``submission`` hands them over (a file drop: nothing
here talks to the AEAT).
"""
