"""The back-office console under ``/console``: server-rendered pages for the operator's staff.

Every page reads through the same read functions as the API's GET routes, every action calls
the same service function as the API route that does it, in one transaction per request
(``console.route.ConsoleRoute``). Nothing here holds a business rule.
"""
