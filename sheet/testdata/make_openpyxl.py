#!/usr/bin/python3
# Builds the openpyxl-written fixtures in this directory (committed; tests do
# not need Python): /usr/bin/python3 make_openpyxl.py (Debian python3-openpyxl)
import datetime
import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

def build(path, epoch=None):
    wb = openpyxl.Workbook()
    if epoch is not None:
        wb.epoch = epoch
    ws = wb.active
    ws.title = "Klienci"
    ws["A1"] = "Lista klientów — stan na 2025-01-31"
    ws.append([])
    ws.append(["Firma", "Kod pocztowy", "Telefon", "Data", "Obrót", "Aktywny", "Uwagi"])
    ws.append(["Piekarnia Żytnia", "00-950", "0048601234567", datetime.date(2024, 3, 15), 5525.14, True, "linia 1\nlinia 2"])
    ws.append(["ООО \"Ромашка\"", "90-926", "+7 (495) 123-45-67", datetime.datetime(2025, 1, 31, 13, 45, 10), 0.1 + 0.2, False, None])
    ws.append([None, None, None, None, None, None, None])
    ws.append(["Zakład Łódź", "12345678901234567890", "007", datetime.date(1999, 12, 31), -42, None, "=SUM(A1)"])
    ws["G7"].data_type = "s"  # a string, not a formula
    hidden = wb.create_sheet("Ukryty", 0)
    hidden["A1"] = "hidden"
    hidden.sheet_state = "hidden"
    wb.save(path)

build("openpyxl-1900.xlsx")
build("openpyxl-1904.xlsx", CALENDAR_MAC_1904)
