// Statements of the SQL grammar: queries, CREATE/DROP TABLE (types, NOT NULL, PARTITION BY
// HASH(..) | REPLICATED, ORDER BY (..) sort key), CREATE/DROP VIEW, COPY .. FROM '..' (..),
// INSERT INTO .. VALUES | query, EXPLAIN [ANALYZE], PREPARE/EXECUTE/DEALLOCATE, SET, SHOW.
// See grammar_common.h.
#include "frontend/parser/grammar_common.h"

namespace ibex::sql::grammar {
namespace {

using x3::_attr;
using x3::_val;
using K = ast::StatementKind;

template <K Kind>
struct Begin {
  template <typename Ctx>
  void operator()(Ctx& ctx) const {
    _val(ctx) = std::make_shared<ast::Statement>();
    _val(ctx)->kind = Kind;
    _val(ctx)->span = SpanOf(ctx);
  }
};
template <K Kind>
struct SetKind {
  template <typename Ctx>
  void operator()(Ctx& ctx) const {
    _val(ctx)->kind = Kind;
  }
};
auto select_stmt = [](auto& ctx) {
  _val(ctx) = std::make_shared<ast::Statement>();
  _val(ctx)->kind = K::kSelect;
  _val(ctx)->query = _attr(ctx);
  _val(ctx)->span = _attr(ctx)->span;
};
auto set_name = [](auto& ctx) { _val(ctx)->name = _attr(ctx); };
auto if_not_exists = [](auto& ctx) { _val(ctx)->if_not_exists = true; };
auto if_exists = [](auto& ctx) { _val(ctx)->if_exists = true; };
auto push_column = [](auto& ctx) { _val(ctx)->columns.push_back(_attr(ctx)); };
auto hash = [](auto& ctx) { _val(ctx)->partitioning = ast::Statement::Partitioning::kHash; };
auto replicated = [](auto& ctx) {
  _val(ctx)->partitioning = ast::Statement::Partitioning::kReplicated;
};
auto push_partition = [](auto& ctx) { _val(ctx)->partition_columns.push_back(_attr(ctx)); };
auto push_sort = [](auto& ctx) { _val(ctx)->sort_key.push_back(_attr(ctx)); };
auto push_column_list = [](auto& ctx) { _val(ctx)->column_list.push_back(_attr(ctx)); };
auto set_query = [](auto& ctx) { _val(ctx)->query = _attr(ctx); };
auto set_path = [](auto& ctx) { _val(ctx)->path = _attr(ctx)->text; };
auto push_option = [](auto& ctx) { _val(ctx)->copy_options.push_back(_attr(ctx)); };
auto push_row = [](auto& ctx) { _val(ctx)->values.push_back(_attr(ctx)); };
auto push_arg = [](auto& ctx) { _val(ctx)->args.push_back(_attr(ctx)); };
auto set_analyze = [](auto& ctx) { _val(ctx)->analyze = true; };
auto set_inner = [](auto& ctx) { _val(ctx)->inner = _attr(ctx); };

auto column_name = [](auto& ctx) {
  _val(ctx) = ast::ColumnDef{};
  _val(ctx).name = _attr(ctx);
};
auto column_type = [](auto& ctx) { _val(ctx).type = _attr(ctx); };
auto column_not_null = [](auto& ctx) { _val(ctx).not_null = true; };

auto option_name = [](auto& ctx) {
  _val(ctx) = ast::CopyOption{};
  _val(ctx).name = _attr(ctx);
};
auto option_token = [](auto& ctx) {
  _val(ctx).value = _attr(ctx)->text;
  _val(ctx).has_value = true;
};
auto option_word = [](auto& ctx) {
  _val(ctx).value = _attr(ctx).name;
  _val(ctx).has_value = true;
};

x3::rule<class column_def_id, ast::ColumnDef> const column_def = "column_def";
x3::rule<class copy_option_id, ast::CopyOption> const copy_option = "copy_option";
x3::rule<class row_id, std::vector<ast::ExprPtr>> const row = "row";
x3::rule<class create_stmt_id, ast::StatementPtr> const create_stmt = "create_stmt";
x3::rule<class other_stmt_id, ast::StatementPtr> const other_stmt = "other_stmt";

auto const identifier_list = op("(") >> (ident[push_column_list] % op(",")) >> op(")");

auto const column_def_def = ident[column_name] >> type_name[column_type] >>
                            -((kw("not") >> kw("null"))[column_not_null] | kw("null"));
auto const create_stmt_def =
    kw("create")[Begin<K::kCreateTable>()] >>
    ((kw("table") >> -(kw("if") >> kw("not") >> kw("exists"))[if_not_exists] >> ident[set_name] >>
      op("(") >> (column_def[push_column] % op(",")) >> op(")") >>
      -((kw("partition") >> kw("by") >> kw("hash")[hash] >> op("(") >>
         (ident[push_partition] % op(",")) >> op(")")) |
        kw("replicated")[replicated]) >>
      -(kw("order") >> kw("by") >> op("(") >> (ident[push_sort] % op(",")) >> op(")"))) |
     (-(kw("or") >> kw("replace")) >> kw("view")[SetKind<K::kCreateView>()] >> ident[set_name] >>
      -identifier_list >> kw("as") >> query[set_query]));

auto const copy_option_def =
    any_word[option_name] >> -(string_tok[option_token] | number_tok[option_token] | any_word[option_word]);
auto const row_def = op("(") >> (expr % op(",")) >> op(")");

auto const other_stmt_def =
    (kw("drop")[Begin<K::kDropTable>()] >> (kw("table") | kw("view")[SetKind<K::kDropView>()]) >>
     -(kw("if") >> kw("exists"))[if_exists] >> ident[set_name]) |
    (kw("copy")[Begin<K::kCopy>()] >> ident[set_name] >> kw("from") >> string_tok[set_path] >>
     -(-kw("with") >> op("(") >> (copy_option[push_option] % op(",")) >> op(")"))) |
    (kw("insert")[Begin<K::kInsert>()] >> kw("into") >> ident[set_name] >> -identifier_list >>
     ((kw("values") >> (row[push_row] % op(","))) | query[set_query])) |
    (kw("explain")[Begin<K::kExplain>()] >> -kw("analyze")[set_analyze] >> statement[set_inner]) |
    (kw("prepare")[Begin<K::kPrepare>()] >> ident[set_name] >> kw("as") >> statement[set_inner]) |
    (kw("execute")[Begin<K::kExecute>()] >> ident[set_name] >>
     -(op("(") >> (expr[push_arg] % op(",")) >> op(")"))) |
    (kw("deallocate")[Begin<K::kDeallocate>()] >> -kw("prepare") >> ident[set_name]) |
    (kw("set")[Begin<K::kSet>()] >> ident[set_name] >> (kw("to") | op("=")) >> expr[push_arg]) |
    (kw("show")[Begin<K::kShow>()] >> any_word[set_name]);

auto const statement_def =
    named("statement")[depth_guard[query[select_stmt] | create_stmt[set_val] | other_stmt[set_val]]];

BOOST_SPIRIT_DEFINE(column_def, copy_option, row, create_stmt, other_stmt)

}  // namespace

BOOST_SPIRIT_DEFINE(statement)
BOOST_SPIRIT_INSTANTIATE(statement_type, Iterator, ParseContext)

}  // namespace ibex::sql::grammar
