"""The open data page, the API documentation page and the DCAT catalogue."""

import json

from django.test import override_settings

from yumeplan.public.catalogue import plan_downloads


def test_open_data_page_lists_every_download_of_every_plan(client, build_plan):
    plans = [build_plan(policies=2, slug="first"), build_plan(policies=3, slug="second")]
    html = client.get("/data/").content.decode()
    for plan in plans:
        for download in plan_downloads(plan):
            assert f'href="{download["url"]}" download' in html
    assert len(plan_downloads(plans[1])) == 3 + 3 * 3  # CSV, JSON, XLSX
    assert 'href="/api/v1/plans/"' in html
    assert 'href="/data/api/"' in html
    assert 'rel="license"' in html
    assert 'href="/data/catalog.jsonld"' in html


def test_open_data_page_in_english(client, build_plan):
    build_plan(policies=1)
    html = client.get("/en/data/").content.decode()
    assert "<h1>Open data</h1>" in html


def test_api_documentation_is_rendered_as_a_page(client, db):
    response = client.get("/data/api/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<div class="api-document" lang="en">' in html
    assert "<h2><code>GET /api/v1/plans/</code></h2>" in html
    assert "<table>" in html


def test_catalogue_is_dcat_in_json_ld_listing_every_download(client, build_plan):
    plans = [build_plan(policies=2, slug="first"), build_plan(policies=1, slug="second")]
    response = client.get("/data/catalog.jsonld")
    assert response["Content-Type"] == "application/ld+json"
    catalogue = json.loads(response.content)
    assert catalogue["@type"] == "dcat:Catalog"
    assert catalogue["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    datasets = {dataset["dct:identifier"]: dataset for dataset in catalogue["dcat:dataset"]}
    assert set(datasets) == {"first", "second"}
    for plan in plans:
        listed = [d["dcat:downloadURL"]["@id"] for d in datasets[plan.slug]["dcat:distribution"]]
        expected = [f"http://testserver{d['url']}" for d in plan_downloads(plan)]
        assert listed == expected
        for url in listed:
            assert client.get(url.removeprefix("http://testserver")).status_code == 200
        dataset = datasets[plan.slug]
        assert dataset["dct:license"]["@id"].startswith("https://creativecommons.org/licenses/by/")
        assert dataset["dcat:landingPage"]["@id"] == f"http://testserver/plans/{plan.slug}/"
    service = catalogue["dcat:service"]
    assert service["dcat:endpointURL"]["@id"] == "http://testserver/api/v1/plans/"
    assert service["dcat:endpointDescription"]["@id"] == "http://testserver/data/api/"


@override_settings(SITE_OPERATOR={"name": "金沢市 こども未来局", "contact": "kodomo@example.jp"})
def test_operator_is_named_in_every_footer_and_as_publisher(client, build_plan):
    plan = build_plan(policies=1)
    for url in [plan.get_absolute_url(), "/data/", "/accessibility/"]:
        html = client.get(url).content.decode()
        assert "運営: 金沢市 こども未来局" in html
        assert 'href="mailto:kodomo@example.jp"' in html
    catalogue = json.loads(client.get("/data/catalog.jsonld").content)
    assert catalogue["dct:publisher"]["foaf:name"] == "金沢市 こども未来局"


@override_settings(SITE_OPERATOR={"name": "金沢市", "contact": "javascript:alert(1)"})
def test_operator_contact_is_linked_only_when_it_is_a_page_or_a_mail_address(client, build_plan):
    plan = build_plan(policies=1)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert 'href="javascript' not in html
    assert "運営: 金沢市 javascript:alert(1)" in html
