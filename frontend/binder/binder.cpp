// Statements, queries and FROM clauses of the binder. Expressions: bind_expr.cpp.
#include <algorithm>

#include "frontend/binder/binder_impl.h"
#include "frontend/binder/type_rules.h"
#include "frontend/parser/parser.h"

namespace ibex::sql {

using storage::ToLowerAscii;
using K = ast::StatementKind;

namespace {



int FindColumnIndex(const std::vector<storage::ColumnDef>& columns, std::string_view name) {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (SameName(columns[i].name, name)) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

bool BoundStatement::IsCatalogStatement() const {
  K k = kind();
  return k == K::kCreateTable || k == K::kDropTable || k == K::kCreateView || k == K::kDropView;
}

void BinderImpl::Fail(uint32_t offset, std::string message, std::string hint) const {
  throw BindError{SqlError{std::move(message), offset, std::move(hint)}};
}

void BinderImpl::CheckStack(uint32_t offset) const {
  if (stack_.Exhausted()) Fail(offset, "nesting too deep", "split the statement or use fewer nested subqueries");
}

BoundStatement BinderImpl::BindStatement(const ast::StatementPtr& stmt) {
  BoundStatement out;
  out.text = std::string(text_);
  out.ast = stmt;
  ast::Statement& s = *stmt;
  switch (s.kind) {
    case K::kSelect:
      out.outputs = BindQuery(*s.query, nullptr, nullptr);
      break;
    case K::kCreateTable:
      BindCreateTable(s, out);
      break;
    case K::kDropTable:
    case K::kDropView: {
      bool table = s.kind == K::kDropTable;
      bool is_table = catalog_.FindTable(s.name.name) != nullptr;
      bool is_view = catalog_.FindView(s.name.name) != nullptr;
      if (table && is_view) {
        Fail(s.name.span.begin, Quoted(s.name.name) + " is a view, not a table", "use DROP VIEW");
      }
      if (!table && is_table) {
        Fail(s.name.span.begin, Quoted(s.name.name) + " is a table, not a view", "use DROP TABLE");
      }
      if (!is_table && !is_view && !s.if_exists) {
        Fail(s.name.span.begin, std::string(table ? "unknown table " : "unknown view ") + Quoted(s.name.name));
      }
      break;
    }
    case K::kCreateView: {
      if (catalog_.FindTable(s.name.name) || catalog_.FindView(s.name.name)) {
        Fail(s.name.span.begin, "relation " + Quoted(s.name.name) + " already exists");
      }
      out.outputs = BindQuery(*s.query, nullptr, nullptr);
      if (s.column_list.size() > out.outputs.size()) {
        Fail(s.column_list[out.outputs.size()].span.begin,
             "view has " + std::to_string(out.outputs.size()) + " columns but " +
                 std::to_string(s.column_list.size()) + " names");
      }
      storage::ViewDef view;
      view.name = s.name.name;
      for (size_t i = 0; i < out.outputs.size(); ++i) {
        if (i < s.column_list.size()) out.outputs[i].name = s.column_list[i].name;
        for (size_t j = 0; j < i; ++j) {
          if (SameName(out.outputs[i].name, out.outputs[j].name)) {
            Fail(i < s.column_list.size() ? s.column_list[i].span.begin : s.query->span.begin,
                 "view column " + Quoted(out.outputs[i].name) + " specified more than once",
                 "name the view's columns: CREATE VIEW v (a, b) AS ...");
          }
        }
        view.column_names.push_back(out.outputs[i].name);
      }
      view.sql = s.view_text;
      out.create_view = std::move(view);
      out.outputs.clear();
      break;
    }
    case K::kCopy:
      BindCopy(s, out);
      break;
    case K::kInsert:
      BindInsert(s, out);
      break;
    case K::kExplain: {
      BinderImpl inner(text_, catalog_, view_depth_, &stack_);
      BoundStatement bound = inner.BindStatement(s.inner);
      param_count_ = std::max(param_count_, inner.param_count());
      out.outputs = {{"QUERY PLAN", SqlType::Varchar()}};
      break;
    }
    case K::kPrepare: {
      BinderImpl inner(text_, catalog_, view_depth_, &stack_);
      BoundStatement bound = inner.BindStatement(s.inner);
      param_count_ = std::max(param_count_, inner.param_count());
      break;
    }
    case K::kExecute: {
      Scope empty;
      for (auto& arg : s.args) BindExpr(*arg, empty, ExprPlace{});
      break;
    }
    case K::kDeallocate:
    case K::kSet:
    case K::kShow:
      break;  // session statements: the shell interprets them
  }
  out.param_count = param_count_;
  return out;
}

void BinderImpl::BindCreateTable(const ast::Statement& s, BoundStatement& out) {
  if (catalog_.FindView(s.name.name)) {
    Fail(s.name.span.begin, "relation " + Quoted(s.name.name) + " already exists (a view)");
  }
  if (catalog_.FindTable(s.name.name) && !s.if_not_exists) {
    Fail(s.name.span.begin, "table " + Quoted(s.name.name) + " already exists",
         "use CREATE TABLE IF NOT EXISTS, or DROP TABLE first");
  }
  storage::TableDef def;
  def.name = s.name.name;
  for (const ast::ColumnDef& c : s.columns) {
    if (FindColumnIndex(def.columns, c.name.name) >= 0) {
      Fail(c.name.span.begin, "column " + Quoted(c.name.name) + " specified more than once");
    }
    std::string why;
    auto type = ResolveTypeName(c.type, &why);
    if (!type) Fail(c.type.span.begin, why);
    def.columns.push_back(storage::ColumnDef{c.name.name, *type, c.not_null});
  }
  auto column_index = [&](const ast::Identifier& id, const char* clause) {
    int i = FindColumnIndex(def.columns, id.name);
    if (i < 0) {
      std::vector<std::string> names;
      for (const auto& c : def.columns) names.push_back(c.name);
      Fail(id.span.begin, "column " + Quoted(id.name) + " named in " + clause + " does not exist",
           PerhapsYouMeant(id.name, names));
    }
    return i;
  };
  switch (s.partitioning) {
    case ast::Statement::Partitioning::kRoundRobin:
      def.distribution = storage::Distribution::RoundRobin();
      break;
    case ast::Statement::Partitioning::kReplicated:
      def.distribution = storage::Distribution::Replicated();
      break;
    case ast::Statement::Partitioning::kHash: {
      std::vector<int> cols;
      for (const auto& id : s.partition_columns) cols.push_back(column_index(id, "PARTITION BY"));
      def.distribution = storage::Distribution::Hash(std::move(cols));
      break;
    }
  }
  for (const auto& id : s.sort_key) def.sort_key.push_back(column_index(id, "ORDER BY"));
  out.create_table = std::move(def);
}

void BinderImpl::BindCopy(const ast::Statement& s, BoundStatement& out) {
  const storage::Table* table = catalog_.FindTable(s.name.name);
  if (table == nullptr) {
    Fail(s.name.span.begin, "unknown table " + Quoted(s.name.name), PerhapsYouMeant(s.name.name, catalog_.TableNames()));
  }
  CopySpec spec;
  spec.table = table->def.name;
  spec.path = s.path;
  storage::CopyOptions& options = spec.options;
  for (const ast::CopyOption& o : s.copy_options) {
    std::string name = ToLowerAscii(o.name.name);
    std::string value = o.value;
    if (name == "format") {
      std::string v = ToLowerAscii(value);
      if (v == "csv") {
        options.format = storage::FileFormat::kCsv;
      } else if (v == "tbl") {
        options.format = storage::FileFormat::kTbl;
      } else {
        Fail(o.name.span.begin, "COPY FORMAT must be csv or tbl");
      }
    } else if (name == "delimiter") {
      if (value.size() != 1) Fail(o.name.span.begin, "COPY DELIMITER must be a single character");
      options.delimiter = value[0];
    } else if (name == "header") {
      std::string v = ToLowerAscii(value);
      if (!o.has_value || v == "true" || v == "on" || v == "1") {
        options.header = true;
      } else if (v == "false" || v == "off" || v == "0") {
        options.header = false;
      } else {
        Fail(o.name.span.begin, "COPY HEADER takes true or false");
      }
    } else if (name == "null") {
      if (!o.has_value) Fail(o.name.span.begin, "COPY NULL needs a string");
      options.null_string = value;
    } else {
      Fail(o.name.span.begin, "unknown COPY option " + Quoted(o.name.name),
           "COPY options: FORMAT csv|tbl, DELIMITER 'c', HEADER, NULL 'text'");
    }
  }
  out.copy = std::move(spec);
}

void BinderImpl::BindInsert(ast::Statement& s, BoundStatement& out) {
  (void)out;
  const storage::Table* table = catalog_.FindTable(s.name.name);
  if (table == nullptr) {
    Fail(s.name.span.begin, "unknown table " + Quoted(s.name.name), PerhapsYouMeant(s.name.name, catalog_.TableNames()));
  }
  const auto& columns = table->def.columns;
  std::vector<int> targets;
  for (const auto& id : s.column_list) {
    int i = FindColumnIndex(columns, id.name);
    if (i < 0) Fail(id.span.begin, "unknown column " + Quoted(id.name) + " of table " + Quoted(table->def.name));
    targets.push_back(i);
  }
  if (targets.empty()) {
    for (size_t i = 0; i < columns.size(); ++i) targets.push_back(static_cast<int>(i));
  }
  auto check = [&](const SqlType& type, const ast::Expr* e, size_t i, uint32_t at) {
    const storage::ColumnDef& col = columns[targets[i]];
    SqlType target = SqlType::Of(col.type);
    if (e != nullptr && target.is(storage::TypeId::kDate) && type.string()) {
      CheckDateLiteral(*e);
      if (e->kind == ast::ExprKind::kLiteral) return;
    }
    if (!CommonType(target, type)) {
      Fail(at, "column " + Quoted(col.name) + " is of type " + target.ToString() +
                   " but expression is of type " + type.ToString());
    }
  };
  if (s.query) {
    auto outputs = BindQuery(*s.query, nullptr, nullptr);
    if (outputs.size() != targets.size()) {
      Fail(s.query->span.begin, "INSERT has " + std::to_string(targets.size()) + " target columns but the query returns " +
                                    std::to_string(outputs.size()));
    }
    for (size_t i = 0; i < outputs.size(); ++i) check(outputs[i].type, nullptr, i, s.query->span.begin);
    return;
  }
  for (auto& row : s.values) {
    if (row.size() != targets.size()) {
      uint32_t at = row.size() > targets.size() ? row[targets.size()]->span.begin : row.back()->span.end;
      Fail(at, "INSERT has " + std::to_string(targets.size()) + " target columns but a row has " +
                   std::to_string(row.size()) + " values");
    }
    for (size_t i = 0; i < row.size(); ++i) {
      Scope empty;
      SqlType t = BindExpr(*row[i], empty, ExprPlace{});
      check(t, row[i].get(), i, row[i]->span.begin);
    }
  }
}

// --- queries ---------------------------------------------------------------------------------

std::vector<ast::OutputColumn> BinderImpl::BindQuery(ast::Query& query, Scope* outer, const CteEnv* env) {
  CheckStack(query.span.begin);
  CteEnv local{env, {}};
  const CteEnv* current = env;
  if (!query.with.empty()) {
    for (ast::Cte& cte : query.with) {
      for (const CteEntry& e : local.entries) {
        if (SameName(e.cte->name.name, cte.name.name)) {
          Fail(cte.name.span.begin, "WITH query name " + Quoted(cte.name.name) + " specified more than once");
        }
      }
      auto columns = BindQuery(*cte.query, outer, &local);
      if (cte.columns.size() > columns.size()) {
        Fail(cte.columns[columns.size()].span.begin,
             "WITH query " + Quoted(cte.name.name) + " has " + std::to_string(columns.size()) +
                 " columns available but " + std::to_string(cte.columns.size()) + " columns specified");
      }
      for (size_t i = 0; i < cte.columns.size(); ++i) columns[i].name = cte.columns[i].name;
      local.entries.push_back({&cte, std::move(columns)});
    }
    current = &local;
  }
  std::vector<ast::OutputColumn> outputs;
  if (query.body->op == ast::SetOp::kNone && query.body->select) {
    outputs = BindSelect(*query.body->select, outer, current, &query.order_by);
  } else {
    outputs = BindBody(*query.body, outer, current);
    BindOrderBy(query.order_by, outputs, nullptr, nullptr);
  }
  BindLimit(query.limit, current, "LIMIT");
  BindLimit(query.offset, current, "OFFSET");
  query.outputs = outputs;
  return outputs;
}

std::vector<ast::OutputColumn> BinderImpl::BindBody(ast::QueryBody& body, Scope* outer, const CteEnv* env) {
  if (body.op == ast::SetOp::kNone) {
    if (body.select) return BindSelect(*body.select, outer, env, nullptr);
    return BindQuery(*body.nested, outer, env);
  }
  auto left = BindBody(*body.left, outer, env);
  auto right = BindBody(*body.right, outer, env);
  const char* op = body.op == ast::SetOp::kUnion ? "UNION" : body.op == ast::SetOp::kIntersect ? "INTERSECT" : "EXCEPT";
  if (left.size() != right.size()) {
    Fail(body.right->span.begin, std::string("each ") + op + " query must have the same number of columns");
  }
  for (size_t i = 0; i < left.size(); ++i) {
    auto common = CommonType(left[i].type, right[i].type);
    if (!common) {
      Fail(body.right->span.begin, std::string(op) + " types " + left[i].type.ToString() + " and " +
                                       right[i].type.ToString() + " cannot be matched");
    }
    left[i].type = *common;
  }
  return left;
}

void BinderImpl::ExpandStars(ast::SelectCore& core) {
  std::vector<ast::SelectItem> items;
  for (ast::SelectItem& item : core.items) {
    if (item.expr->kind != ast::ExprKind::kStar) {
      items.push_back(item);
      continue;
    }
    const ast::Expr& star = *item.expr;
    bool found = false;
    for (size_t i = 0; i < core.sources.size(); ++i) {
      const ast::BoundSource& src = core.sources[i];
      if (!star.qualifier.empty() && !SameName(src.name, star.qualifier)) continue;
      found = true;
      for (size_t c = 0; c < src.columns.size(); ++c) {
        if (star.qualifier.empty() && src.hidden[c]) continue;
        auto e = std::make_shared<ast::Expr>();
        e->kind = ast::ExprKind::kColumnRef;
        e->span = star.span;
        e->name = src.columns[c].name;
        e->bound.scope_depth = 0;
        e->bound.from_index = static_cast<int>(i);
        e->bound.column_index = static_cast<int>(c);
        e->bound.type = src.columns[c].type;
        e->bound.from_star = true;
        items.push_back(ast::SelectItem{e, std::nullopt});
      }
    }
    if (!found) {
      if (star.qualifier.empty()) Fail(star.span.begin, "SELECT * with no tables specified");
      Fail(star.qualifier_span.begin, "missing FROM-clause entry for table " + Quoted(star.qualifier));
    }
  }
  core.items = std::move(items);
}

std::vector<ast::OutputColumn> BinderImpl::BindSelect(ast::SelectCore& core, Scope* outer, const CteEnv* env,
                                                      std::vector<ast::OrderItem>* order_by) {
  Scope scope{outer, &core, env};
  core.sources.clear();
  for (auto& ref : core.from) BindFrom(*ref, scope, outer);
  if (core.where) BindCondition(*core.where, scope, ExprPlace{false, false, false, "WHERE"}, "WHERE");

  for (ast::ExprPtr& g : core.group_by) {
    if (g->kind == ast::ExprKind::kLiteral && g->literal == ast::LiteralKind::kInteger) {
      size_t n = g->text.size() > 6 ? 0 : std::stoul(g->text);
      if (n < 1 || n > core.items.size() || core.items[n - 1].expr->kind == ast::ExprKind::kStar) {
        Fail(g->span.begin, "GROUP BY position " + g->text + " is not in select list");
      }
      g = core.items[n - 1].expr;
    } else if (g->kind == ast::ExprKind::kColumnRef && g->qualifier.empty()) {
      bool in_from = false;
      for (const auto& src : core.sources) {
        for (const auto& c : src.columns) in_from = in_from || SameName(c.name, g->name);
      }
      if (!in_from) {
        for (const ast::SelectItem& item : core.items) {
          if (item.alias && SameName(item.alias->name, g->name)) {
            g = item.expr;
            break;
          }
        }
      }
    }
    BindExpr(*g, scope, ExprPlace{false, false, false, "GROUP BY"});
  }

  ExpandStars(core);
  std::vector<ast::OutputColumn> outputs;
  for (ast::SelectItem& item : core.items) {
    SqlType t = BindExpr(*item.expr, scope, ExprPlace{true, true, false, "SELECT"});
    outputs.push_back({item.alias ? item.alias->name : OutputName(*item.expr), t});
  }
  if (core.having) BindCondition(*core.having, scope, ExprPlace{true, false, false, "HAVING"}, "HAVING");
  bool aggregating = !core.group_by.empty() || core.having != nullptr;
  for (const ast::SelectItem& item : core.items) aggregating = aggregating || ContainsAggregate(*item.expr);
  if (order_by) {
    BindOrderBy(*order_by, outputs, &scope, &core.items);
    for (const auto& o : *order_by) aggregating = aggregating || ContainsAggregate(*o.expr);
  }
  core.aggregating = aggregating;
  if (aggregating) {
    for (const ast::SelectItem& item : core.items) CheckGrouped(*item.expr, core.group_by);
    if (core.having) CheckGrouped(*core.having, core.group_by);
    if (order_by) {
      for (const auto& o : *order_by) {
        if (o.expr->bound.select_index < 0) CheckGrouped(*o.expr, core.group_by);
      }
    }
  }
  return outputs;
}

void BinderImpl::BindOrderBy(std::vector<ast::OrderItem>& order_by, const std::vector<ast::OutputColumn>& outputs,
                             Scope* scope, const std::vector<ast::SelectItem>* items) {
  (void)items;
  for (ast::OrderItem& item : order_by) {
    ast::Expr& e = *item.expr;
    if (e.kind == ast::ExprKind::kLiteral && e.literal == ast::LiteralKind::kInteger) {
      size_t n = e.text.size() > 6 ? 0 : std::stoul(e.text);
      if (n < 1 || n > outputs.size()) {
        Fail(e.span.begin, "ORDER BY position " + e.text + " is not in select list");
      }
      e.bound.select_index = static_cast<int>(n - 1);
      e.bound.type = outputs[n - 1].type;
      continue;
    }
    if (e.kind == ast::ExprKind::kColumnRef && e.qualifier.empty()) {
      auto it = std::find_if(outputs.begin(), outputs.end(),
                             [&](const ast::OutputColumn& o) { return SameName(o.name, e.name); });
      if (it != outputs.end()) {
        e.bound.select_index = static_cast<int>(it - outputs.begin());
        e.bound.type = it->type;
        continue;
      }
    }
    if (scope == nullptr) {
      Fail(e.span.begin, "ORDER BY of a set operation must name an output column or position");
    }
    BindExpr(e, *scope, ExprPlace{true, true, false, "ORDER BY"});
  }
}

void BinderImpl::BindLimit(ast::ExprPtr& e, const CteEnv* env, const char* what) {
  if (!e) return;
  Scope empty{nullptr, nullptr, env};
  SqlType t = BindExpr(*e, empty, ExprPlace{false, false, false, what});
  if (!t.unknown() && !t.integral()) Fail(e->span.begin, std::string(what) + " must be an integer, not " + t.ToString());
}

// --- FROM ------------------------------------------------------------------------------------

void BinderImpl::BindFrom(ast::TableRef& ref, Scope& scope, Scope* outer) {
  if (ref.kind != ast::TableRef::Kind::kJoin) {
    BindLeaf(ref, scope, outer);
    return;
  }
  size_t left_begin = scope.core->sources.size();
  BindFrom(*ref.left, scope, outer);
  size_t right_begin = scope.core->sources.size();
  BindFrom(*ref.right, scope, outer);
  size_t right_end = scope.core->sources.size();
  if (ref.on) BindCondition(*ref.on, scope, ExprPlace{false, false, false, "JOIN ON"}, "JOIN ON");
  for (const ast::Identifier& id : ref.using_columns) {
    auto find = [&](size_t begin, size_t end) -> std::pair<int, int> {
      for (size_t s = begin; s < end; ++s) {
        const auto& cols = scope.core->sources[s].columns;
        for (size_t c = 0; c < cols.size(); ++c) {
          if (!scope.core->sources[s].hidden[c] && SameName(cols[c].name, id.name)) {
            return {static_cast<int>(s), static_cast<int>(c)};
          }
        }
      }
      return {-1, -1};
    };
    auto l = find(left_begin, right_begin);
    auto r = find(right_begin, right_end);
    if (l.first < 0 || r.first < 0) {
      Fail(id.span.begin, "column " + Quoted(id.name) + " specified in USING clause does not exist in " +
                              (l.first < 0 ? "left" : "right") + " table");
    }
    const auto& lt = scope.core->sources[l.first].columns[l.second].type;
    const auto& rt = scope.core->sources[r.first].columns[r.second].type;
    if (!Comparable(lt, rt)) {
      Fail(id.span.begin, "JOIN USING column " + Quoted(id.name) + " compares " + lt.ToString() + " with " + rt.ToString());
    }
    scope.core->sources[r.first].hidden[r.second] = true;
  }
}

void BinderImpl::ApplyAliases(ast::TableRef& ref, ast::BoundSource& source) {
  if (ref.alias) source.name = ref.alias->name;
  if (ref.column_aliases.size() > source.columns.size()) {
    Fail(ref.column_aliases[source.columns.size()].span.begin,
         "table " + Quoted(source.name) + " has " + std::to_string(source.columns.size()) +
             " columns available but " + std::to_string(ref.column_aliases.size()) + " columns specified");
  }
  for (size_t i = 0; i < ref.column_aliases.size(); ++i) source.columns[i].name = ref.column_aliases[i].name;
  source.hidden.assign(source.columns.size(), false);
}

void BinderImpl::BindLeaf(ast::TableRef& ref, Scope& scope, Scope* outer) {
  ast::BoundSource src;
  if (ref.kind == ast::TableRef::Kind::kDerived) {
    src.kind = ast::BoundSource::Kind::kDerived;
    src.query = ref.subquery;
    src.columns = BindQuery(*ref.subquery, outer, scope.ctes);
  } else {
    const std::string& name = ref.name.name;
    const CteEntry* cte = nullptr;
    for (const CteEnv* env = scope.ctes; env != nullptr && cte == nullptr; env = env->parent) {
      for (auto it = env->entries.rbegin(); it != env->entries.rend(); ++it) {
        if (SameName(it->cte->name.name, name)) {
          cte = &*it;
          break;
        }
      }
    }
    if (cte != nullptr) {
      src.kind = ast::BoundSource::Kind::kCte;
      src.cte = cte->cte;
      src.table_name = cte->cte->name.name;
      src.columns = cte->columns;
    } else if (const storage::Table* table = catalog_.FindTable(name)) {
      src.kind = ast::BoundSource::Kind::kTable;
      src.table_id = table->table_id;
      src.table_name = table->def.name;
      for (const auto& c : table->def.columns) src.columns.push_back({c.name, SqlType::Of(c.type)});
    } else if (const storage::ViewDef* view = catalog_.FindView(name)) {
      constexpr int kMaxViewDepth = 16;
      if (view_depth_ >= kMaxViewDepth) {
        Fail(ref.name.span.begin, "views nested too deeply (or a cycle of views) at " + Quoted(name));
      }
      auto parsed = ParseOne(view->sql);
      if (!parsed.ok() || parsed.value()->kind != K::kSelect) {
        Fail(ref.name.span.begin, "view " + Quoted(name) + " has an invalid definition");
      }
      BinderImpl inner(view->sql, catalog_, view_depth_ + 1, &stack_);
      try {
        src.columns = inner.BindQuery(*parsed.value()->query, nullptr, nullptr);
      } catch (const BindError& e) {
        Fail(ref.name.span.begin, "view " + Quoted(name) + " no longer binds: " + e.error.message);
      }
      for (size_t i = 0; i < src.columns.size() && i < view->column_names.size(); ++i) {
        src.columns[i].name = view->column_names[i];
      }
      src.kind = ast::BoundSource::Kind::kDerived;
      src.query = parsed.value()->query;
      src.table_name = view->name;
    } else {
      std::vector<std::string> names = catalog_.TableNames();
      for (const auto& v : catalog_.ViewNames()) names.push_back(v);
      Fail(ref.name.span.begin, "unknown table " + Quoted(name), PerhapsYouMeant(name, names));
    }
    src.name = name;
  }
  ApplyAliases(ref, src);
  if (!src.name.empty()) {
    for (const auto& other : scope.core->sources) {
      if (SameName(other.name, src.name)) {
        Fail(ref.span.begin, "table name " + Quoted(src.name) + " specified more than once",
             "give one of them an alias");
      }
    }
  }
  ref.source_index = static_cast<int>(scope.core->sources.size());
  scope.core->sources.push_back(std::move(src));
}

// --- entry points ----------------------------------------------------------------------------

SqlResult<BoundStatement> Bind(std::string_view text, ast::StatementPtr stmt, const storage::Catalog& catalog) {
  try {
    BinderImpl impl(text, catalog);
    return impl.BindStatement(stmt);
  } catch (const BindError& e) {
    return e.error;
  }
}

SqlResult<BoundStatement> ParseAndBind(std::string_view text, const storage::Catalog& catalog) {
  auto parsed = ParseOne(text);
  if (!parsed.ok()) return parsed.error();
  return Bind(text, std::move(parsed).value(), catalog);
}

SqlResult<bool> ApplyCatalogStatement(const BoundStatement& bound, storage::Catalog& catalog) {
  const ast::Statement& s = *bound.ast;
  Status st;
  switch (s.kind) {
    case K::kCreateTable: st = catalog.CreateTable(*bound.create_table, s.if_not_exists); break;
    case K::kDropTable: st = catalog.DropTable(s.name.name, s.if_exists); break;
    case K::kCreateView: st = catalog.CreateView(*bound.create_view); break;
    case K::kDropView: st = catalog.DropView(s.name.name, s.if_exists); break;
    default: return SqlError{"not a catalog statement", s.span.begin, ""};
  }
  if (!st.ok()) return SqlError{st.message(), s.name.span.begin, ""};
  return true;
}

}  // namespace ibex::sql
