"""What the dashboard tests share: loading a dashboard of Dashboards/, its queries, and the conventions every
dashboard follows (a data-source variable that every panel and query uses)."""
import json

from conftest import REPO


def load(name):
    return json.loads((REPO / "Dashboards" / name).read_text())


def queries(dashboard):
    """(panel title, expression) of every panel target, and of every query variable."""
    found = [(panel["title"], target["expr"]) for panel in dashboard["panels"] for target in panel["targets"]]
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            query = variable["query"]["query"]
            # label_values(metric, label) is Grafana's, not PromQL: the series it lists come from the metric.
            found.append((f"${variable['name']}", query.removeprefix("label_values(").rsplit(",", 1)[0]))
    return found


def assert_conventions(dashboard, uid, required_panels):
    assert dashboard["uid"] == uid
    assert dashboard["schemaVersion"] >= 39
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource" and variables["datasource"]["query"] == "prometheus"
    titles = [panel["title"] for panel in dashboard["panels"]]
    assert all(title in titles for title in required_panels), titles
    assert len({panel["id"] for panel in dashboard["panels"]}) == len(titles)
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == "${datasource}", panel["title"]
        assert all(target["datasource"]["uid"] == "${datasource}" for target in panel["targets"])
    return variables
