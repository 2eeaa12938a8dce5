"""Page shapes the extractor got wrong on real pages (issue 11), rebuilt here in small HTML of our own;
and, when ../shared is present, the real pages themselves (skipped in a fresh clone)."""
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crawler.extract import extract

REF = datetime(2024, 9, 5, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"

ARTICLE = "网贷平台催收新规今日起施行，明确催收人员不得在晚上十点后拨打借款人电话，也不得联系借款人的同事和亲友。"
TEASERS = ["某地查处一批违规催收的第三方公司，涉及借款人数万人，监管部门表示将持续保持高压态势，依法严厉打击。",
           "多家消费金融公司发布公告，称将对逾期客户提供延期还款安排，并承诺不再委托外部机构上门催收。",
           "一位借款人讲述自己被催收电话轰炸的经历：一天之内接到四十多个电话，连老家的亲戚都被打扰。",
           "律师提醒，遭遇暴力催收应保留通话录音和短信截图，并可向金融监管部门和公安机关投诉举报。"]


def html(body: str, title: str = "催收新规今日施行_样例站") -> bytes:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body>{body}</body></html>").encode("utf-8")


def test_a_one_paragraph_article_beats_a_longer_teaser_list_below_it():
    teasers = "".join(f"<div class='item-content'><span>某财经·3 小时前</span><p>{t}</p><p>{t}</p></div>"
                      for t in TEASERS)
    page = html(f"<h1>催收新规今日施行</h1><div class='meta'>2024年9月1日 上午9:00</div>"
                f"<div class='article-body'><p>{ARTICLE}</p></div><div class='stream'>{teasers}</div>")
    got = extract(page, reference_time=REF)
    assert got.text == ARTICLE


def test_a_forum_thread_keeps_its_first_post_not_a_longer_reply():
    reply = "".join(f"<p>{t}</p>" for t in TEASERS)
    page = html("<h1>被催收电话骚扰怎么办？</h1><div class='posts'>"
                f"<div class='post'><div class='post-body'><p>{ARTICLE}</p><p>大家有没有遇到类似情况，该怎么处理？</p></div></div>"
                f"<div class='post'><div class='post-body'>{reply}</div></div></div>",
                title="被催收电话骚扰怎么办？ - 样例论坛")
    got = extract(page, reference_time=REF)
    assert got.text.startswith(ARTICLE) and "大家有没有遇到类似情况" in got.text
    assert TEASERS[0] not in got.text


def test_an_article_in_a_block_named_by_a_weak_furniture_word_is_found():
    body = "".join(f"<p>{t}</p>" for t in [ARTICLE, *TEASERS, *TEASERS])  # 300+ characters
    page = html(f"<h1>催收新规今日施行</h1><div class='detail'><div class='editor-preview-side'>{body}</div></div>"
                "<div class='side'><a href='/1'>热门文章一</a><a href='/2'>热门文章二</a></div>")
    got = extract(page, reference_time=REF)
    assert got.text.startswith(ARTICLE) and got.text.endswith(TEASERS[-1])


def test_a_comment_block_stays_out_however_much_text_it_holds():
    comments = "".join(f"<p>{t}</p>" for t in TEASERS)
    page = html(f"<h1>催收新规今日施行</h1><div class='content'><p>{ARTICLE}</p><p>{TEASERS[0]}</p></div>"
                f"<div class='comment-list'>{comments}{comments}</div>")
    got = extract(page, reference_time=REF)
    assert TEASERS[3] not in got.text


def test_a_licence_notice_under_a_post_is_not_text():
    page = html(f"<h1>催收新规今日施行</h1><div class='content'><p>{ARTICLE}</p>"
                "<p>本作品采用《CC 协议》，转载必须注明作者和本文链接</p></div>")
    assert "CC 协议" not in extract(page, reference_time=REF).text


def test_a_headline_in_a_big_bold_block_anchors_its_byline_date():
    # failure kind 1: the headline is a <b> with a big font, not a heading element
    page = html(f"<table><tr><td><b style='font-size:20px'>催收新规今日施行</b></td></tr>"
                "<tr><td class='info'>2024-09-01 06:40更新 来源：样例日报</td></tr></table>"
                f"<div class='text'><p>{ARTICLE}</p><p>{TEASERS[0]}</p></div>")
    got = extract(page, reference_time=REF)
    assert got.title == "催收新规今日施行"
    assert got.published_at == datetime(2024, 9, 1, 6, 40, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_page_without_title_or_charset_takes_the_block_over_its_text():
    # failure kind 1 and 3: no <title>, no charset (GBK bytes), headline in a <div class="Heading">
    body = (f"<html><body><div class='nav'><a href='/'>首页</a></div><div class='Heading'>催收新规今日施行</div>"
            f"<div class='Date'>2024年09月01日 10:20</div><div class='Content'><p>{ARTICLE}</p>"
            f"<p>{TEASERS[1]}</p></div></body></html>")
    got = extract(body.encode("gbk"), reference_time=REF)
    assert got.title == "催收新规今日施行"
    assert got.published_at == datetime(2024, 9, 1, 10, 20, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert got.text.startswith(ARTICLE)


def test_a_date_and_source_line_under_the_headline_is_not_the_body():
    page = html("<h1>催收新规今日施行</h1><div class='content-info'><span>2024.09.01 16:31</span>"
                f"<span>来源：样例日报客户端</span></div><div class='content-content'><p>{ARTICLE}</p>"
                f"<p>{TEASERS[0]}</p></div>")
    got = extract(page, reference_time=REF)
    assert got.text == f"{ARTICLE}\n{TEASERS[0]}" and got.published_at.date().isoformat() == "2024-09-01"


def test_a_blog_name_title_gives_way_to_the_first_post_headline():
    # failure kind 2: <title> is only the blog's name, repeated in its sidebar
    sidebar = "".join(f"<div class='category-title'>【小明的{w}】</div><ul><li><a href='/{i}'>{t[:12]}</a></li></ul>"
                      for i, (w, t) in enumerate(zip(("文章", "随笔", "相册"), TEASERS)))
    posts = "".join(f"<table><tr><td class='post-title'>{head}</td><td class='post-title'>2024-0{n}-01 08:00:00</td></tr>"
                    f"<tr><td class='post-body'>{text}</td></tr></table>"
                    for n, head, text in ((8, "催收新规今日施行", ARTICLE), (7, "旧文一篇", TEASERS[2] + TEASERS[3])))
    page = html(f"<div class='header'>小明</div><div class='side'>{sidebar}</div><div class='main'>{posts}</div>",
                title="小明 | blog.example.com")
    got = extract(page, reference_time=REF)
    assert got.title == "催收新规今日施行"
    assert got.published_at.date().isoformat() == "2024-08-01"
    assert got.text == ARTICLE


def test_a_site_name_title_repeated_on_the_page_is_not_the_headline():
    page = html("<div class='logo'>样例科普</div><div class='rumor-title'>催收电话真的能打给亲友吗？</div>"
                f"<div class='rumor-content'><p>{ARTICLE}</p><p>{TEASERS[3]}</p></div>"
                "<div class='foot'>样例科普 版权所有</div><p>关于样例科普</p>", title="样例科普-辟谣文章")
    assert extract(page, reference_time=REF).title == "催收电话真的能打给亲友吗？"


def test_an_issue_date_block_just_above_the_headline_dates_an_epaper_page():
    # failure kind 3: an e-paper shows its issue date above the headline; an old link date does not count
    page = html("<div class='dSearch'><strong>2024年09月01日</strong><span><a href='/old'>查看旧版(2007年11月18号以前)</a>"
                f"</span></div><h1>催收新规今日施行</h1><div class='dContents'><p>{ARTICLE}</p></div>")
    assert extract(page, reference_time=REF).published_at.date().isoformat() == "2024-09-01"


# The real pages of these kinds (../shared; skipped when absent): teaser list (Yahoo HK), a forum
# thread whose later post won (learnku), a body in a block named '...-side' (51CTO).
REAL = [("real-pages", "059_yahoo.html"), ("real-pages", "060_yahoo.html"),
        ("real-pages", "103_learnku.html"), ("real-pages", "028_51cto.html")]


@pytest.mark.parametrize("folder,name", REAL)
def test_real_pages_of_each_kind(folder, name):
    page = SHARED / folder / "pages" / name
    if not page.exists():
        pytest.skip(f"{page} absent (third-party pages stay in ../shared)")
    truth_path = REPO / "bench" / "extract" / f"{folder}.truth.jsonl"
    truth = next(r for r in map(json.loads, truth_path.read_text(encoding="utf-8").splitlines())
                 if r["file"] == name)
    text = "".join(extract(page.read_bytes(), reference_time=REF).text.split())
    assert "".join(truth["body_start"].split()) in text and "".join(truth["body_end"].split()) in text
    assert not [x for x in truth["not_body"] if "".join(x.split()) in text]
