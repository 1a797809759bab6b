#!/usr/bin/python3
# Builds the openpyxl-written workbooks of this directory, one per class of
# real-world file the XLSX reader once got wrong (issue 12). Run from this
# directory with Debian's python3-openpyxl: /usr/bin/python3 make_openpyxl.py
# then ./libreoffice.sh to store what LibreOffice reads from each.
import datetime
import openpyxl
from openpyxl.styles import PatternFill, Border, Side

def fill_rows():
    # apache/poi FillWithoutColor.xlsx: many formatted but empty rows above
    # the table (a fill and a border, no value), then a title, then data.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Arkusz1"
    fill = PatternFill("solid", fgColor="FFFFFF")
    thin = Side(style="thin")
    for r in range(1, 31):
        for c in range(1, 5):
            cell = ws.cell(row=r, column=c)
            cell.fill = fill
            cell.border = Border(top=thin, bottom=thin)
    ws["A31"] = "Klienci — stan na 2025-01-31"
    ws.append(["Firma", "Miasto", "E-mail", "Obrót"])
    ws.append(["Piekarnia Żytnia", "Łódź", "biuro@zytnia.pl", 5525.14])
    ws.append(["Apteka Pod Orłem", "Kraków", "apteka@orzel.pl", 120])
    wb.save("fill-rows-above.xlsx")

def years_header():
    # A header of numbers: a region column with no name, then years.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sprzedaż"
    ws["A1"] = "Sprzedaż według regionów"
    ws["A2"] = "tys. zł"
    ws.append([None, 2005, 2006, 2007, 2008, 2009, 2010, 2011])
    ws.append(["Mazowieckie", 1.5, 2.25, 3, 4, 5, 6, 7])
    ws.append(["Małopolskie", 10, 11, 12.5, 13, 14, 15, 16])
    ws.append(["Pomorskie", 20, 21, 22, 23, 24, 25, 26.75])
    wb.save("years-header.xlsx")

def times():
    # Time-of-day cells, durations past 24 hours, dates and date-times.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Czas"
    ws.append(["Opis", "Godzina", "Z sekundami", "Czas pracy", "Data", "Data i godzina"])
    rows = [
        ("rano", datetime.time(9, 0), datetime.time(9, 0, 0), datetime.timedelta(hours=27, minutes=30),
         datetime.date(2024, 3, 15), datetime.datetime(2024, 3, 15, 9, 0)),
        ("popołudnie", datetime.time(15, 30), datetime.time(15, 30, 17, 400000), datetime.timedelta(hours=3, minutes=15),
         datetime.date(1999, 12, 31), datetime.datetime(2025, 1, 31, 13, 45, 10)),
        ("pół sekundy", datetime.time(23, 59), datetime.time(15, 30, 17, 600000), datetime.timedelta(hours=100),
         datetime.date(2000, 2, 29), datetime.datetime(2000, 2, 29, 23, 59, 59)),
        ("północ", datetime.time(0, 0), datetime.time(0, 0, 1), datetime.timedelta(minutes=45),
         datetime.date(2024, 1, 1), datetime.datetime(2024, 1, 1, 0, 0, 30)),
    ]
    for r in rows:
        ws.append(list(r))
    for row in ws.iter_rows(min_row=2):
        row[1].number_format = "hh:mm"
        row[2].number_format = "hh:mm:ss"
        row[3].number_format = "[h]:mm"
        row[4].number_format = "yyyy-mm-dd"
        row[5].number_format = "yyyy-mm-dd hh:mm:ss"
    # A time stored as a plain fraction with Excel's built-in h:mm:ss (21).
    ws["A6"] = "liczba"
    ws["C6"] = 0.64603  # 15:30:16.992: shown as 15:30:16 (seconds are cut, not rounded)
    ws["C6"].number_format = "h:mm:ss"
    wb.save("times.xlsx")

def active_tab():
    # Several sheets with data; Excel opens on the second (the active tab).
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "Podsumowanie"
    first.append(["Region", "Suma"])
    first.append(["Polska", 3])
    data = wb.create_sheet("Klienci")
    data.append(["Firma", "Miasto"])
    data.append(["Piekarnia Żytnia", "Łódź"])
    data.append(["Apteka Pod Orłem", "Kraków"])
    wb.create_sheet("Pusty")
    notes = wb.create_sheet("Notatki")
    notes.append(["Kto", "Co"])
    notes.append(["Ewa", "zadzwonić"])
    hidden = wb.create_sheet("Ukryty")
    hidden.append(["a", "b"])
    hidden.append([1, 2])
    hidden.sheet_state = "hidden"
    wb.active = 1
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == "Klienci"
    wb.save("active-tab.xlsx")

fill_rows()
years_header()
times()
active_tab()
