"""`cpxl ui`: the refusals over plain HTTP (token, Host, Origin, size limit, ids not paths), and the page in a real
browser (headless Chromium driven by selenium): upload the demo workbook, see the findings, export the report,
download it and open it with python-docx."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import threading
import time
from pathlib import Path

import openpyxl
import pytest

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from cpxl.ui import server as ui  # noqa: E402

PORT = 8765
HOST = f"127.0.0.1:{PORT}"


@pytest.fixture()
def session(tmp_path):
    s = ui.Session(port=PORT)
    yield s
    s.close()


@pytest.fixture()
def client(session):
    with TestClient(ui.create_app(session), base_url=f"http://{HOST}") as c:
        yield c


def _h(session, **extra):
    return {"host": HOST, ui.TOKEN_HEADER: session.token, **extra}


def _upload(client, session, data: bytes, name="工作簿.xlsx"):
    from urllib.parse import quote

    return client.post("/api/files", headers=_h(session, **{"X-File-Name": quote(name)}), content=data)


def _wait(client, session, job_id, timeout=120):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        job = client.get(f"/api/jobs/{job_id}", headers=_h(session)).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError("job did not finish")


# ---- refusals ----------------------------------------------------------------------------------------


def test_the_page_embeds_the_token_and_needs_no_internet(client, session):
    r = client.get("/", headers={"host": HOST})
    assert r.status_code == 200 and session.token in r.text and r.headers["cache-control"] == "no-store"
    assert "http://" not in r.text and "https://" not in r.text  # no CDN: every asset is served locally
    for asset in ("app.js", "style.css"):
        text = (ui.static_dir() / asset).read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text
        assert client.get(f"/static/{asset}", headers={"host": HOST}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example:8765", "127.0.0.1:9999", "localhost", "127.0.0.1.nip.io:8765", ""])
def test_a_foreign_host_is_refused(client, session, host):
    for method, path in (("GET", "/"), ("POST", "/api/jobs"), ("GET", "/api/info")):
        r = client.request(method, path, headers={"host": host, ui.TOKEN_HEADER: session.token})
        assert r.status_code == 403 and "127.0.0.1" in r.json()["error"]


def test_localhost_is_accepted(client, session):
    assert client.get("/api/info", headers={"host": f"localhost:{PORT}", ui.TOKEN_HEADER: session.token}).status_code == 200


@pytest.mark.parametrize("token", [None, "", "wrong"])
def test_state_changes_need_the_token(client, session, demo_workbooks, token):
    headers = {"host": HOST, "X-File-Name": "a.xlsx"}
    if token is not None:
        headers[ui.TOKEN_HEADER] = token
    r = client.post("/api/files", headers=headers, content=demo_workbooks[0].read_bytes())
    assert r.status_code == 403 and "令牌" in r.json()["error"]
    assert not session.uploads
    r = client.post("/api/jobs", headers={k: v for k, v in headers.items() if k != "X-File-Name"}, json={"action": "calc", "files": []})
    assert r.status_code == 403
    r = client.delete("/api/files/x", headers=headers)
    assert r.status_code == 403


def test_a_request_from_another_page_is_refused(client, session):
    r = client.post("/api/jobs", headers=_h(session, origin="http://evil.example"), json={"action": "calc", "files": ["x"]})
    assert r.status_code == 403
    r = client.post("/api/jobs", headers=_h(session, origin=f"http://{HOST}"), json={"action": "calc", "files": ["x"]})
    assert r.status_code == 404  # passed the guard: the id is unknown


def test_the_size_limit_is_the_readers(client, session, monkeypatch):
    from cpxl.workbook import read

    assert ui.MAX_BYTES is read.MAX_BYTES
    monkeypatch.setattr(ui, "MAX_BYTES", 1000)
    r = _upload(client, session, b"x" * 1001)  # refused by its Content-Length
    assert r.status_code == 413 and "过大" in r.json()["error"]

    def chunks():  # no Content-Length: refused while it streams
        for _ in range(20):
            yield b"y" * 100

    r = client.post("/api/files", headers=_h(session, **{"X-File-Name": "b.xlsx"}), content=chunks())
    assert r.status_code == 413
    assert not session.uploads and not any(p.is_file() for p in session.root.rglob("*"))


def test_uploads_are_private_addressed_by_id_and_removed(client, session, demo_workbooks):
    assert stat.S_IMODE(session.root.stat().st_mode) == 0o700
    r = _upload(client, session, demo_workbooks[0].read_bytes(), name="../../etc/~$审核:工作簿.xlsx")
    body = r.json()
    assert r.status_code == 200 and body["kind"] == "audit" and body["errors"] == 0
    assert body["name"] == "审核_工作簿.xlsx"
    stored = session.uploads[body["id"]]
    assert stored.path.is_relative_to(session.root) and stored.path.name == "审核_工作簿.xlsx"
    # no path from the client is opened: an unknown id is refused, a path is just an unknown id
    for ident in ("../uploads", str(stored.path), body["name"]):
        r = client.post("/api/jobs", headers=_h(session), json={"action": "calc", "files": [ident]})
        assert r.status_code == 404
    assert client.get("/download/" + body["id"], headers={"host": HOST}).status_code == 404  # uploads are not downloads
    assert client.delete(f"/api/files/{body['id']}", headers=_h(session)).status_code == 200
    assert not stored.path.exists() and not session.uploads
    assert _upload(client, session, b"PK", name="说明.docx").status_code == 415


def test_a_bad_workbook_gives_the_command_lines_message(client, session, tmp_path):
    r = _upload(client, session, b"not a workbook", name="坏.xlsx")
    body = r.json()
    assert r.status_code == 200 and body["error"] and str(session.root) not in body["error"]
    from cpxl.errors import CpxlError
    from cpxl.workbook.read import read_workbook

    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(CpxlError) as exc:
        read_workbook(bad)
    assert body["error"] == str(exc.value).replace(str(tmp_path) + os.sep, "")


def test_calc_export_and_aggregate_jobs(client, session, demo_workbooks, tmp_path):
    r = _upload(client, session, demo_workbooks[0].read_bytes(), name="清泉-审核工作簿.xlsx")
    ident = r.json()["id"]
    job = client.post("/api/jobs", headers=_h(session), json={"action": "calc", "files": [ident]}).json()
    job = _wait(client, session, job["id"])
    assert job["status"] == "done" and job["exit_code"] == 0, job
    assert [x["name"] for x in job["results"]] == ["清泉-审核工作簿-计算.xlsx"]
    assert any("已计算" in line["text"] for line in job["lines"])
    data = client.get(job["results"][0]["url"], headers={"host": HOST})
    assert data.status_code == 200 and data.content[:2] == b"PK"

    job = _wait(client, session, client.post("/api/jobs", headers=_h(session), json={"action": "aggregate", "files": [ident]}).json()["id"])
    assert job["status"] == "done", job
    assert [x["name"] for x in job["results"]] == ["区域汇总工作簿.xlsx", "区域汇总报告.docx"]
    assert all(str(session.root) not in line["text"] for line in job["lines"])
    root = session.root
    session.close()
    assert not root.exists()


# ---- in a real browser -------------------------------------------------------------------------------


def _chromium():
    for binary, driver in (("/usr/bin/chromium", "/usr/bin/chromedriver"),):
        if os.path.exists(binary) and os.path.exists(driver):
            return binary, driver
    binary, driver = shutil.which("chromium") or shutil.which("chromium-browser"), shutil.which("chromedriver")
    if binary and driver:
        return binary, driver
    if os.environ.get("CI"):
        pytest.fail("CI 须安装 chromium 和 chromium-driver（apt-get install chromium chromium-driver）")
    pytest.skip("未安装 Chromium/chromedriver")


@pytest.fixture()
def browser(tmp_path):
    binary, driver_path = _chromium()
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("CI 须安装 selenium（pip install -e .[test]）")
        pytest.skip("未安装 selenium")
    downloads = tmp_path / "下载"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads), "download.prompt_for_download": False,
        "safebrowsing.enabled": False,
    })
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    except Exception:  # noqa: BLE001 - prefs alone are enough on some versions
        pass
    driver.downloads = downloads
    yield driver
    driver.quit()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def served():
    """`cpxl ui --no-browser` in a thread on a free port; stopped and cleaned up afterwards."""
    started = threading.Event()
    box = {}

    def ready(url, server):
        box.update(url=url, server=server)
        started.set()

    session = ui.Session()
    thread = threading.Thread(target=ui.serve, kwargs={"port": _free_port(), "open_browser": False, "ready": ready, "session": session},
                              daemon=True)
    thread.start()
    assert started.wait(30), "server did not start"
    yield box["url"], session
    box["server"].should_exit = True
    thread.join(30)
    assert not session.root.exists(), "the private folder is removed at shutdown"


def _broken_copy(demo_workbooks, tmp_path) -> Path:
    from cpxl.workbook.read import read_workbook

    data = read_workbook(demo_workbooks[0])["D.6"]
    path = tmp_path / "有错误的工作簿.xlsx"
    wb = openpyxl.load_workbook(demo_workbooks[0])
    wb[data.sheet][data.cells.at[0, "output_2"]] = "很多"
    wb.save(path)
    return path, f"{data.sheet}!{data.cells.at[0, 'output_2']}"


@pytest.mark.slow
def test_the_page_in_chromium(browser, served, demo_workbooks, tmp_path):
    from docx import Document
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    url, session = served
    broken, where = _broken_copy(demo_workbooks, tmp_path)
    wait = WebDriverWait(browser, 120)
    browser.get(url)
    assert browser.title == "cpxl 清洁生产审核"
    browser.find_element(By.ID, "file-input").send_keys(f"{demo_workbooks[0]}\n{broken}")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#files tbody tr")) == 2
               and "正在检查" not in d.find_element(By.ID, "files").text)
    rows = {r.get_attribute("data-name"): r.find_element(By.CSS_SELECTOR, "td.result").text
            for r in browser.find_elements(By.CSS_SELECTOR, "#files tbody tr")}
    assert rows[demo_workbooks[0].name] == "0 个错误，0 个警告"
    assert rows[broken.name].startswith("1 个错误")

    # the findings table: located, filterable, sortable
    cells = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#findings tbody td.where")]
    assert where in cells
    browser.find_element(By.ID, "filter-text").send_keys("没有这样的说明")
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, "#findings tbody tr"))
    browser.find_element(By.ID, "filter-text").clear()
    browser.execute_script("document.getElementById('filter-text').dispatchEvent(new Event('input'))")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#findings tbody tr"))
    browser.find_element(By.CSS_SELECTOR, "#findings th[data-key=severity]").click()
    assert "sorted-asc" in browser.find_element(By.CSS_SELECTOR, "#findings th[data-key=severity]").get_attribute("class")

    # export the clean workbook's report only
    boxes = browser.find_elements(By.CSS_SELECTOR, "#files tbody input[type=checkbox]")
    names = [r.get_attribute("data-name") for r in browser.find_elements(By.CSS_SELECTOR, "#files tbody tr")]
    boxes[names.index(broken.name)].click()
    browser.find_element(By.ID, "btn-export").click()
    link = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#jobs li[data-status=done] a.download")))
    job_text = browser.find_element(By.ID, "jobs").text
    assert "已导出报告" in job_text and "张表" in job_text
    name = link.text
    assert name.endswith(".docx")
    link.click()
    target = browser.downloads / name
    end = time.monotonic() + 60
    while time.monotonic() < end and not (target.is_file() and not list(browser.downloads.glob("*.crdownload"))):
        time.sleep(0.2)
    assert target.is_file(), sorted(p.name for p in browser.downloads.iterdir())
    document = Document(str(target))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "清泉啤酒有限公司" in text and len(document.tables) > 10
