"""A person editing the workbook in LibreOffice, driven over UNO.

Reads one JSON command per line on stdin and answers one JSON line on stdout:
  {"op": "open", "path": P}            open the .xlsx (the editor's lock file appears beside it)
  {"op": "set", "sheet": S, "cell": C, "text": T}   the cell's text, as is
  {"op": "type", "sheet": S, "cell": C, "text": T}  T as typed into the cell: LibreOffice's own input recognition, so
                                                     "15" is a number and "15%" a number in a percent format
  {"op": "get", "sheet": S, "cell": C}  -> {"text": ...}
  {"op": "validation", "sheet": S, "cell": C} -> {"type": ..., "formula1": ...}
  {"op": "print"} -> {SHEET: {"titleRows": [first, last] or null, "landscape": ..., "pagesWide": ..., "pagesTall": ...,
                     "printColumns": [[first, last], ...] (1-based, the print areas' columns)}}
  {"op": "pdf", "path": P}             export the whole workbook as PDF, as File > Export as PDF does
  {"op": "save"}                       save as xlsx over the same file
  {"op": "close"}                      close the document (the lock file goes away)
  {"op": "crash"}                      kill LibreOffice with SIGKILL, as a crash would (the lock file stays)
  {"op": "quit"}
Run with Debian's /usr/bin/python3 (it has the uno module).
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def start_office():
    profile = tempfile.mkdtemp(prefix="valtrac-lo-profile-")
    pipe = "valtrac" + uuid.uuid4().hex
    office = subprocess.Popen(
        [
            "soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
            "-env:UserInstallation=" + uno.systemPathToFileUrl(profile),
            "--accept=pipe,name=%s;urp;" % pipe,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.time() + 90
    while True:
        try:
            context = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except Exception:
            if time.time() > deadline or office.poll() is not None:
                raise
            time.sleep(0.2)
    desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    return office, desktop


def descendants(pid):
    """Every process below pid (oosplash starts soffice.bin as its child)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def main():
    office, desktop = start_office()
    doc = None
    url = None
    reply = lambda value: (sys.stdout.write(json.dumps(value) + "\n"), sys.stdout.flush())
    reply({"ready": True})
    try:
        for line in sys.stdin:
            cmd = json.loads(line)
            op = cmd["op"]
            try:
                if op == "open":
                    url = uno.systemPathToFileUrl(os.path.abspath(cmd["path"]))
                    doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
                    reply({"ok": True})
                elif op == "set":
                    doc.Sheets.getByName(cmd["sheet"]).getCellRangeByName(cmd["cell"]).String = cmd["text"]
                    reply({"ok": True})
                elif op == "type":
                    # FormulaLocal goes through the same recognition as typing: numbers, dates and percentages are
                    # detected and, in a General cell, the detected format applied. (Dispatching .uno:EnterString
                    # does the same but crashes this headless LibreOffice a moment later.)
                    cell = doc.Sheets.getByName(cmd["sheet"]).getCellRangeByName(cmd["cell"])
                    cell.setPropertyValue("FormulaLocal", cmd["text"])
                    reply({"ok": True})
                elif op == "get":
                    reply({"text": doc.Sheets.getByName(cmd["sheet"]).getCellRangeByName(cmd["cell"]).String})
                elif op == "validation":
                    v = doc.Sheets.getByName(cmd["sheet"]).getCellRangeByName(cmd["cell"]).getPropertyValue("Validation")
                    reply({"type": v.Type.value, "formula1": v.getFormula1()})
                elif op == "print":
                    styles = doc.StyleFamilies.getByName("PageStyles")
                    out = {}
                    for name in doc.Sheets.ElementNames:
                        sheet = doc.Sheets.getByName(name)
                        style = styles.getByName(sheet.PageStyle)
                        rows = sheet.getTitleRows()
                        out[name] = {
                            "titleRows": [rows.StartRow + 1, rows.EndRow + 1] if sheet.getPrintTitleRows() else None,
                            "landscape": bool(style.IsLandscape),
                            "pagesWide": style.ScaleToPagesX,
                            "pagesTall": style.ScaleToPagesY,
                            "printColumns": [[a.StartColumn + 1, a.EndColumn + 1] for a in sheet.getPrintAreas()],
                        }
                    reply(out)
                elif op == "pdf":
                    doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(cmd["path"])), (prop("FilterName", "calc_pdf_Export"),))
                    reply({"ok": True})
                elif op == "save":
                    doc.storeToURL(url, (prop("FilterName", "Calc MS Excel 2007 XML"), prop("Overwrite", True)))
                    reply({"ok": True})
                elif op == "close":
                    doc.close(True)
                    doc = None
                    reply({"ok": True})
                elif op == "crash":
                    for pid in descendants(office.pid) + [office.pid]:
                        try:
                            os.kill(pid, signal.SIGKILL)
                        except ProcessLookupError:
                            pass
                    office.wait(timeout=10)
                    doc = None
                    reply({"ok": True})
                elif op == "quit":
                    reply({"ok": True})
                    break
                else:
                    reply({"error": "unknown op " + op})
            except Exception as error:
                reply({"error": "%s: %s" % (type(error).__name__, error)})
    finally:
        try:
            if doc is not None:
                doc.close(True)
            desktop.terminate()
        except Exception:
            pass
        try:
            office.wait(timeout=10)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main()
