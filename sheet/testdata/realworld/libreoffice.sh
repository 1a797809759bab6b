#!/bin/sh
# Stores what LibreOffice reads from each workbook here: every sheet as
# UTF-8 CSV, values as shown (libreoffice/BOOK-SHEET.csv). The tests compare
# crmport's reading with these cell by cell; LibreOffice need not run in CI.
# Run from this directory after make_openpyxl.py and genxlsx.
set -e
cd "$(dirname "$0")"
rm -rf libreoffice
for f in *.xlsx; do
	case $f in password.xlsx | duplicate-entry.xlsx) continue ;; esac # refused by crmport
	soffice --headless -env:UserInstallation=file:///tmp/crmport-lo-profile \
		--convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1' \
		--outdir libreoffice "$f"
done
