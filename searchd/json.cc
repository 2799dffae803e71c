// JSON for the API and `search --json`, built with nlohmann/json.
#include <nlohmann/json.hpp>

#include "talksearch/search.h"

namespace talksearch {
namespace {

using Json = nlohmann::ordered_json;

Json HitJson(const Hit& h) {
  return Json{{"id", h.id},           {"rank", h.rank},         {"score", h.score},
              {"path", h.path},       {"talk", h.talk},         {"event", h.event},
              {"date", h.date},       {"speakers", h.speakers}, {"section", h.section},
              {"anchor", h.anchor},   {"url", h.url},           {"snippet", h.snippet}};
}

std::string Dump(const Json& j, int indent) {
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

std::string ToJson(const SearchResponse& r, int indent) {
  Json hits = Json::array();
  for (const Hit& h : r.hits) hits.push_back(HitJson(h));
  Json facets = Json::object();
  for (const auto& [name, values] : r.facets) {
    Json list = Json::array();
    for (const FacetValue& v : values) list.push_back({{"value", v.value}, {"count", v.count}});
    facets[name] = list;
  }
  Json out{{"query", r.query},
           {"corrected", r.corrected.empty() ? Json(nullptr) : Json(r.corrected)},
           {"showing_corrected", r.showing_corrected},
           {"relaxed", r.relaxed},
           {"total", r.total},
           {"total_min", r.total_min},
           {"total_max", r.total_max},
           {"offset", r.offset},
           {"page", r.page},
           {"limit", r.limit},
           {"took_ms", r.took_ms},
           {"cached", r.cached},
           {"partial", !r.shards_failed.empty()},
           {"shards_failed", r.shards_failed},
           {"degraded", r.degraded},
           {"hits", hits},
           {"facets", facets}};
  return Dump(out, indent);
}

std::string ToJson(const std::vector<Hit>& hits, int indent) {
  Json list = Json::array();
  for (const Hit& h : hits) list.push_back(HitJson(h));
  return Dump(Json{{"hits", list}}, indent);
}

std::string ToJson(const TalkSections& talk, int indent) {
  Json out = HitJson(talk.talk);
  out.erase("snippet");
  out.erase("rank");
  out.erase("score");
  Json sections = Json::array();
  for (const auto& s : talk.sections) {
    sections.push_back({{"title", s.title}, {"anchor", s.anchor}, {"text", s.text}, {"code", s.code}});
  }
  out["sections"] = sections;
  return Dump(out, indent);
}

}  // namespace talksearch
