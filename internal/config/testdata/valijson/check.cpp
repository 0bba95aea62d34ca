// check validates JSON documents against a JSON Schema with valijson, as
// libsinsp does for a plugin's init config: nlohmann parses both, the
// default SchemaParser (draft 7) reads the schema, a blank config is
// validated as "{}", and only the first error is printed, as
// "In <context>, <description>". Usage: check SCHEMA CONFIG...
// Output: one line per config, "path<TAB>ACCEPT" or "path<TAB>REJECT<TAB>why".
#include <fstream>
#include <iostream>
#include <sstream>
#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>
#include <valijson/validation_results.hpp>
static std::string slurp(const char* p) { std::ifstream f(p); std::stringstream s; s << f.rdbuf(); return s.str(); }
int main(int argc, char** argv) {
  nlohmann::json sj = nlohmann::json::parse(slurp(argv[1]));
  valijson::Schema schema;
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter sa(sj);
  parser.populateSchema(sa, schema);
  for (int i = 2; i < argc; i++) {
    std::string c = slurp(argv[i]);
    bool blank = c.find_first_not_of(" \t\r\n") == std::string::npos;
    if (blank) c = "{}";
    nlohmann::json cj;
    try { cj = nlohmann::json::parse(c); } catch (std::exception& e) { std::cout << argv[i] << "\tREJECT\tparse: " << e.what() << "\n"; continue; }
    valijson::Validator v;
    valijson::ValidationResults r;
    valijson::adapters::NlohmannJsonAdapter ca(cj);
    if (v.validate(schema, ca, &r)) { std::cout << argv[i] << "\tACCEPT\n"; continue; }
    valijson::ValidationResults::Error e; std::string ctx;
    r.popError(e);
    for (auto& s : e.context) ctx += s;
    std::cout << argv[i] << "\tREJECT\tIn " << ctx << ", " << e.description << "\n";
  }
}
