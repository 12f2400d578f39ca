"""Workbooks as other tools save them, for the tests of ValTrac reading files it did not write.

  edit IN OUT JSON   openpyxl opens IN, sets the cells of JSON ({"Sheet!A1": value, ...}; a value
                     {"date": "2026-05-01T10:00:00"} is a date) and saves OUT, as a Python-minded owner would.
  foreign IN OUT A1 A2   IN as it is, plus what Excel and other writers put in a file and ValTrac never writes itself:
                     two users in Users (addresses A1, A2), named by an inline string and a rich-text shared string, a shared formula in a helper column
                     of Referrals, and a list validation kept in the sheet's extLst (Excel's form for one that
                     refers to another sheet). The theme part IN has (openpyxl writes one) is kept.
Run with Debian's /usr/bin/python3 (python3-openpyxl).
"""
import datetime
import json
import posixpath
import re
import sys
import zipfile

import openpyxl


def edit(src, dst, cells):
    book = openpyxl.load_workbook(src)
    for where, value in cells.items():
        sheet, cell = where.split("!")
        if isinstance(value, dict) and "date" in value:
            value = datetime.datetime.fromisoformat(value["date"])
        book[sheet][cell] = value
    book.save(dst)


def sheet_parts(parts):
    """Sheet name -> the part holding it, from the workbook and its relationships."""
    rels = {}
    for element in re.findall(r"<Relationship [^>]*>", parts["xl/_rels/workbook.xml.rels"]):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', element))
        rels[attrs["Id"]] = attrs["Target"]
    out = {}
    for m in re.finditer(r'<sheet [^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"', parts["xl/workbook.xml"]):
        target = rels[m.group(2)]
        out[m.group(1)] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return out


def add_row(xml, row_xml):
    """Appends a row element at the end of sheetData (the rows added here come after every row the sheet has)."""
    if "<sheetData/>" in xml:
        return xml.replace("<sheetData/>", "<sheetData>%s</sheetData>" % row_xml)
    return xml.replace("</sheetData>", row_xml + "</sheetData>")


def last_row(xml):
    rows = [int(r) for r in re.findall(r'<row [^>]*?r="(\d+)"', xml)]
    return max(rows) if rows else 0


def foreign(src, dst, address1, address2):
    with zipfile.ZipFile(src) as z:
        names = z.namelist()
        parts = {n: z.read(n) for n in names}
    text = {n: parts[n].decode("utf-8") for n in names if n.endswith(".xml") or n.endswith(".rels")}
    sheets = sheet_parts(text)

    # Users: one name as an inline string, one as a rich-text shared string (bold second half).
    users = sheets["Users"]
    xml = text[users]
    r = last_row(xml) + 1
    shared = text.get("xl/sharedStrings.xml")
    if shared is None:
        # openpyxl writes every string inline; Excel keeps them in this part.
        shared = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"></sst>'
        names.append("xl/sharedStrings.xml")
        text["[Content_Types].xml"] = text["[Content_Types].xml"].replace(
            "</Types>",
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
        text["xl/_rels/workbook.xml.rels"] = text["xl/_rels/workbook.xml.rels"].replace(
            "</Relationships>",
            '<Relationship Id="rIdValTracTestStrings" Target="sharedStrings.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
        )
    count = len(re.findall(r"<si>|<si ", shared))
    shared = re.sub(r"</sst>", "<si><r><t>da</t></r><r><rPr><b/><sz val=\"11\"/></rPr><t>ve</t></r></si></sst>", shared)
    shared = re.sub(r'uniqueCount="\d+"', 'uniqueCount="%d"' % (count + 1), shared)
    text["xl/sharedStrings.xml"] = shared
    xml = add_row(
        xml,
        '<row r="%d"><c r="A%d" t="inlineStr"><is><t>carol</t></is></c>'
        '<c r="B%d" t="inlineStr"><is><t>%s</t></is></c></row>'
        '<row r="%d"><c r="A%d" t="s"><v>%d</v></c>'
        '<c r="B%d" t="inlineStr"><is><t>%s</t></is></c></row>'
        % (r, r, r, address1, r + 1, r + 1, count, r + 1, address2),
    )
    text[users] = xml

    # Referrals: a helper column E that a person filled down (Excel stores it as one shared formula).
    referrals = sheets["Referrals"]
    xml = text[referrals]
    r = last_row(xml) + 1
    xml = add_row(
        xml,
        '<row r="%d"><c r="E%d"><f t="shared" ref="E%d:E%d" si="0">ROW()*2</f><v>%d</v></c></row>'
        '<row r="%d"><c r="E%d"><f t="shared" si="0"/><v>%d</v></c></row>'
        '<row r="%d"><c r="E%d"><f t="shared" si="0"/><v>%d</v></c></row>'
        % (r, r, r, r + 2, 2 * r, r + 1, r + 1, 2 * (r + 1), r + 2, r + 2, 2 * (r + 2)),
    )
    # A list validation in the extLst, as Excel writes one that names another sheet.
    ext = (
        '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB8-4F6327B50B3D}" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
        '<x14:dataValidation type="list" allowBlank="1" showErrorMessage="1">'
        "<x14:formula1><xm:f>Users!$A$3:$A$2000</xm:f></x14:formula1><xm:sqref>F3:F20</xm:sqref>"
        "</x14:dataValidation></x14:dataValidations></ext></extLst>"
    )
    xml = xml.replace("</worksheet>", ext + "</worksheet>")
    text[referrals] = xml

    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for n in names:
            z.writestr(n, text[n].encode("utf-8") if n in text else parts[n])


def main():
    op = sys.argv[1]
    if op == "edit":
        edit(sys.argv[2], sys.argv[3], json.loads(sys.argv[4]))
    elif op == "foreign":
        foreign(*sys.argv[2:6])
    else:
        raise SystemExit("unknown op %s" % op)


if __name__ == "__main__":
    main()
