"""What tests share, in one place: signed-in clients (clients.py), balances and setting up the ledger
(ledger.py), reading a page as a member would (pages.py) and the database markers (markers.py).
Factories stay in tests/factories.py and the personas (alice, bob, charlie) in tests/conftest.py."""
