// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Filter = lexer -> recursive-descent parser (AST) -> binder (resolves columns, checks types)
// -> vectorised evaluator. Evaluation works on whole batches: every scalar operand is first
// materialised as a typed vector (int64, uint64, double, bool or string views) plus a validity
// vector, every boolean node as a tri-state byte vector (0 false, 1 true, 2 null).
//
// Semantics (chosen to agree with Lance, which evaluates through DataFusion / arrow-rs):
//  - integers of any width and sign compare exactly (int64 vs uint64 included);
//  - floats compare by IEEE total order, like arrow-rs' comparison kernels: -0.0 < 0.0, NaN is
//    equal to NaN and greater than every other value; an integer compared with a float is
//    converted to double first;
//  - strings compare by bytes; bools with false < true;
//  - date32/date64/timestamp/time/duration compare as integers in their own unit, with integer
//    literals or with columns of the very same type;
//  - LIKE: '%' any sequence, '_' one UTF-8 character, backslash escapes the next character;
//  - arithmetic (+ - * / %) on numbers binds tighter than comparisons; integers stay exact in
//    int64 (overflow and division by zero are errors), floats (or uint64 above INT64_MAX)
//    compute in double; x % y takes the sign of x, as in SQL.
#include "lancet/table/filter.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <utility>
#include <variant>

#include "lancet/core/float16.h"

namespace lancet::table {
namespace {

// ---------------------------------------------------------------------------------------------
// Lexer

enum class Tok : uint8_t {
  kEnd,
  kIdent,   // bare identifier (keywords are identifiers matched case-insensitively)
  kQuoted,  // `quoted identifier`
  kInt,
  kFloat,
  kString,
  kOp,  // = == != <> < <= > >= ( ) , . -
};

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // identifier / string contents / operator / number spelling
  size_t column = 0;  // 1-based byte position
};

bool IsKeyword(const Token& t, const char* kw) {
  if (t.kind != Tok::kIdent) return false;
  size_t n = std::strlen(kw);
  if (t.text.size() != n) return false;
  for (size_t i = 0; i < n; ++i) {
    char c = t.text[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    if (c != kw[i]) return false;
  }
  return true;
}

bool IsReserved(const Token& t) {
  for (const char* kw : {"AND", "OR", "NOT", "IN", "IS", "NULL", "BETWEEN", "LIKE", "TRUE", "FALSE"})
    if (IsKeyword(t, kw)) return true;
  return false;
}

std::string Quote(std::string_view s, char q) {
  std::string out(1, q);
  for (char c : s) {
    out += c;
    if (c == q) out += q;
  }
  out += q;
  return out;
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Status Run(std::vector<Token>* out) {
    while (true) {
      while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
      Token t;
      t.column = pos_ + 1;
      if (pos_ >= text_.size()) {
        out->push_back(t);
        return Status::OK();
      }
      char c = text_[pos_];
      if (IsIdentStart(c)) {
        size_t b = pos_;
        while (pos_ < text_.size() && IsIdentChar(text_[pos_])) ++pos_;
        t.kind = Tok::kIdent;
        t.text = std::string(text_.substr(b, pos_ - b));
      } else if (c >= '0' && c <= '9') {
        LANCET_RETURN_NOT_OK(Number(&t));
      } else if (c == '.' && pos_ + 1 < text_.size() && text_[pos_ + 1] >= '0' &&
                 text_[pos_ + 1] <= '9' && (out->empty() || !EndsOperand(out->back()))) {
        LANCET_RETURN_NOT_OK(Number(&t));
      } else if (c == '\'' || c == '`') {
        t.kind = c == '\'' ? Tok::kString : Tok::kQuoted;
        ++pos_;
        while (true) {
          if (pos_ >= text_.size()) {
            return Error(std::string("unterminated ") +
                             (c == '\'' ? "string literal" : "quoted identifier"),
                         t.column);
          }
          if (text_[pos_] == c) {
            if (pos_ + 1 < text_.size() && text_[pos_ + 1] == c) {
              t.text += c;
              pos_ += 2;
              continue;
            }
            ++pos_;
            break;
          }
          t.text += text_[pos_++];
        }
        if (t.kind == Tok::kQuoted && t.text.empty())
          return Error("empty quoted identifier", t.column);
      } else {
        static const char* kOps[] = {"==", "!=", "<>", "<=", ">=", "=", "<", ">", "(",
                                     ")",  ",",  ".",  "-",  "+",  "*", "/", "%"};
        bool found = false;
        for (const char* op : kOps) {
          size_t n = std::strlen(op);
          if (text_.substr(pos_, n) == op) {
            t.kind = Tok::kOp;
            t.text = op;
            pos_ += n;
            found = true;
            break;
          }
        }
        if (!found) {
          // Report the whole UTF-8 character.
          size_t n = 1;
          while (pos_ + n < text_.size() && (static_cast<uint8_t>(text_[pos_ + n]) & 0xC0) == 0x80)
            ++n;
          return Error("unexpected character '" + std::string(text_.substr(pos_, n)) + "'",
                       t.column);
        }
      }
      out->push_back(std::move(t));
    }
  }

  Status Error(const std::string& what, size_t column) const {
    return Status::InvalidArgument("filter: " + what + " at column " + std::to_string(column) +
                                   " in \"" + std::string(text_) + "\"");
  }

 private:
  static bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
  static bool IsIdentStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }
  static bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }
  static bool EndsOperand(const Token& t) {
    return t.kind == Tok::kIdent || t.kind == Tok::kQuoted || t.kind == Tok::kInt ||
           t.kind == Tok::kFloat || t.kind == Tok::kString || (t.kind == Tok::kOp && t.text == ")");
  }

  Status Number(Token* t) {
    size_t b = pos_;
    bool is_float = false;
    auto digits = [&] {
      size_t s = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      return pos_ - s;
    };
    digits();
    if (pos_ < text_.size() && text_[pos_] == '.') {
      is_float = true;
      ++pos_;
      digits();
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      size_t save = pos_;
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (digits() == 0) {
        pos_ = save;
      } else {
        is_float = true;
      }
    }
    if (pos_ < text_.size() && IsIdentChar(text_[pos_]))
      return Error("malformed number '" + std::string(text_.substr(b, pos_ + 1 - b)) + "'",
                   b + 1);
    t->kind = is_float ? Tok::kFloat : Tok::kInt;
    t->text = std::string(text_.substr(b, pos_ - b));
    return Status::OK();
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------------------
// AST

enum class Cat : uint8_t { kNull, kBool, kInt, kFloat, kString };

struct Literal {
  enum class Kind : uint8_t { kNull, kBool, kInt, kUInt, kFloat, kString } kind = Kind::kNull;
  bool b = false;
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  std::string s;

  Cat cat() const {
    switch (kind) {
      case Kind::kNull:
        return Cat::kNull;
      case Kind::kBool:
        return Cat::kBool;
      case Kind::kInt:
      case Kind::kUInt:
        return Cat::kInt;
      case Kind::kFloat:
        return Cat::kFloat;
      case Kind::kString:
        return Cat::kString;
    }
    return Cat::kNull;
  }
  std::string ToString() const {
    switch (kind) {
      case Kind::kNull:
        return "NULL";
      case Kind::kBool:
        return b ? "TRUE" : "FALSE";
      case Kind::kInt:
        return std::to_string(i);
      case Kind::kUInt:
        return std::to_string(u);
      case Kind::kFloat: {
        if (std::isnan(d)) return "NaN";  // not re-parseable; only reachable via overflow
        if (std::isinf(d)) return d > 0 ? "1e999" : "-1e999";
        char buf[40];
        std::snprintf(buf, sizeof(buf), "%.17g", d);
        std::string out = buf;
        if (out.find_first_of(".eEn") == std::string::npos) out += ".0";
        return out;
      }
      case Kind::kString:
        return Quote(s, '\'');
    }
    return "";
  }
};

enum class CmpOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

const char* CmpOpName(CmpOp op) {
  switch (op) {
    case CmpOp::kEq:
      return "=";
    case CmpOp::kNe:
      return "!=";
    case CmpOp::kLt:
      return "<";
    case CmpOp::kLe:
      return "<=";
    case CmpOp::kGt:
      return ">";
    case CmpOp::kGe:
      return ">=";
  }
  return "?";
}

struct Expr {
  enum class Kind : uint8_t {
    kColumn,
    kLiteral,
    kCompare,
    kAnd,
    kOr,
    kNot,
    kIn,
    kIsNull,
    kBetween,
    kLike,
    kArith  // + - * / % on numbers
  } kind;
  size_t column = 0;  // 1-based position of the node's first token, for messages
  std::vector<std::unique_ptr<Expr>> args;
  bool negated = false;  // NOT IN, IS NOT NULL, NOT BETWEEN, NOT LIKE
  CmpOp op = CmpOp::kEq;
  char arith = '+';             // kArith
  Literal literal;              // kLiteral
  std::vector<Literal> list;    // kIn
  std::string pattern;          // kLike
  std::vector<std::string> path;  // kColumn: top-level name then struct children

  // Bound state.
  Cat cat = Cat::kNull;
  DataTypePtr type;             // kColumn: the leaf's type
  std::vector<int> child_index;  // kColumn: child index in each struct level below the top
  int column_slot = -1;          // kColumn: index into Filter::columns()
};
using ExprPtr = std::unique_ptr<Expr>;

std::string ColumnName(const std::vector<std::string>& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (i) out += '.';
    const std::string& p = path[i];
    bool bare = !p.empty() && !(p[0] >= '0' && p[0] <= '9');
    for (char c : p) {
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
        bare = false;
    }
    Token t;
    t.kind = Tok::kIdent;
    t.text = p;
    if (bare && IsReserved(t)) bare = false;
    out += bare ? p : Quote(p, '`');
  }
  return out;
}

std::string ExprToString(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kColumn:
      return ColumnName(e.path);
    case Expr::Kind::kLiteral:
      return e.literal.ToString();
    case Expr::Kind::kCompare:
      return "(" + ExprToString(*e.args[0]) + " " + CmpOpName(e.op) + " " +
             ExprToString(*e.args[1]) + ")";
    case Expr::Kind::kAnd:
    case Expr::Kind::kOr: {
      // AND / OR chains are n-ary (associative), printed as one parenthesised chain.
      std::string out = "(";
      for (size_t i = 0; i < e.args.size(); ++i) {
        if (i) out += e.kind == Expr::Kind::kAnd ? " AND " : " OR ";
        out += ExprToString(*e.args[i]);
      }
      return out + ")";
    }
    case Expr::Kind::kNot:
      return "(NOT " + ExprToString(*e.args[0]) + ")";
    case Expr::Kind::kIn: {
      std::string out = "(" + ExprToString(*e.args[0]) + (e.negated ? " NOT IN (" : " IN (");
      for (size_t i = 0; i < e.list.size(); ++i) out += (i ? ", " : "") + e.list[i].ToString();
      return out + "))";
    }
    case Expr::Kind::kIsNull:
      return "(" + ExprToString(*e.args[0]) + (e.negated ? " IS NOT NULL)" : " IS NULL)");
    case Expr::Kind::kBetween:
      return "(" + ExprToString(*e.args[0]) + (e.negated ? " NOT BETWEEN " : " BETWEEN ") +
             ExprToString(*e.args[1]) + " AND " + ExprToString(*e.args[2]) + ")";
    case Expr::Kind::kLike:
      return "(" + ExprToString(*e.args[0]) + (e.negated ? " NOT LIKE " : " LIKE ") +
             Quote(e.pattern, '\'') + ")";
    case Expr::Kind::kArith: {
      // Left-associative chains print flat, "(a - b - c)", so the canonical form does not nest
      // one parenthesis per operator.
      auto level = [](char op) { return op == '+' || op == '-' ? 0 : 1; };
      std::string left = ExprToString(*e.args[0]);
      if (e.args[0]->kind == Expr::Kind::kArith && level(e.args[0]->arith) == level(e.arith)) {
        left = left.substr(1, left.size() - 2);
      }
      return "(" + left + " " + e.arith + " " + ExprToString(*e.args[1]) + ")";
    }
  }
  return "";
}

// ---------------------------------------------------------------------------------------------
// Parser

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens)
      : lexer_(text), tokens_(std::move(tokens)) {}

  Result<ExprPtr> ParseAll() {
    LANCET_ASSIGN_OR_RETURN(ExprPtr e, ParseOr());
    if (Peek().kind != Tok::kEnd) return Unexpected(Peek());
    return e;
  }

 private:
  // Deep nesting such as "((((...": refuse instead of overflowing the stack.
  static constexpr int kMaxDepth = 200;

  const Token& Peek(size_t k = 0) const {
    return tokens_[std::min(pos_ + k, tokens_.size() - 1)];
  }
  const Token& Next() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  bool IsOp(const Token& t, const char* op) const { return t.kind == Tok::kOp && t.text == op; }

  Status Unexpected(const Token& t) const {
    if (t.kind == Tok::kEnd) return lexer_.Error("unexpected end of input", t.column);
    std::string spelled;
    switch (t.kind) {
      case Tok::kString:
        spelled = Quote(t.text, '\'');
        break;
      case Tok::kQuoted:
        spelled = Quote(t.text, '`');
        break;
      default:
        spelled = t.text;
    }
    return lexer_.Error("unexpected token '" + spelled + "'", t.column);
  }
  Status Expect(const char* op) {
    if (!IsOp(Peek(), op)) return Unexpected(Peek());
    Next();
    return Status::OK();
  }

  struct DepthGuard {
    explicit DepthGuard(int* d) : depth(d) { ++*depth; }
    ~DepthGuard() { --*depth; }
    int* depth;
  };

  ExprPtr Node(Expr::Kind kind, size_t column) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->column = column;
    return e;
  }

  Result<ExprPtr> ParseOr() {
    DepthGuard g(&depth_);
    if (depth_ > kMaxDepth) return lexer_.Error("expression nested too deeply", Peek().column);
    LANCET_ASSIGN_OR_RETURN(ExprPtr left, ParseAnd());
    if (!IsKeyword(Peek(), "OR")) return left;
    // Chains are kept n-ary so that long "a OR b OR c ..." lists do not nest deeply.
    ExprPtr n = Node(Expr::Kind::kOr, left->column);
    n->args.push_back(std::move(left));
    while (IsKeyword(Peek(), "OR")) {
      Next();
      LANCET_ASSIGN_OR_RETURN(ExprPtr right, ParseAnd());
      n->args.push_back(std::move(right));
    }
    return n;
  }

  Result<ExprPtr> ParseAnd() {
    LANCET_ASSIGN_OR_RETURN(ExprPtr left, ParseNot());
    if (!IsKeyword(Peek(), "AND")) return left;
    ExprPtr n = Node(Expr::Kind::kAnd, left->column);
    n->args.push_back(std::move(left));
    while (IsKeyword(Peek(), "AND")) {
      Next();
      LANCET_ASSIGN_OR_RETURN(ExprPtr right, ParseNot());
      n->args.push_back(std::move(right));
    }
    return n;
  }

  Result<ExprPtr> ParseNot() {
    DepthGuard g(&depth_);
    if (depth_ > kMaxDepth) return lexer_.Error("expression nested too deeply", Peek().column);
    if (IsKeyword(Peek(), "NOT")) {
      size_t col = Next().column;
      LANCET_ASSIGN_OR_RETURN(ExprPtr inner, ParseNot());
      ExprPtr n = Node(Expr::Kind::kNot, col);
      n->args.push_back(std::move(inner));
      return n;
    }
    return ParsePredicate();
  }

  // Arithmetic binds tighter than comparisons: additive := term (('+'|'-') term)*,
  // term := operand (('*'|'/'|'%') operand)*.
  Result<ExprPtr> ParseAdditive() {
    DepthGuard g(&depth_);
    if (depth_ > kMaxDepth) return lexer_.Error("expression nested too deeply", Peek().column);
    LANCET_ASSIGN_OR_RETURN(ExprPtr left, ParseTerm());
    while (IsOp(Peek(), "+") || IsOp(Peek(), "-")) {
      LANCET_RETURN_NOT_OK(CountArith());
      char op = Next().text[0];
      LANCET_ASSIGN_OR_RETURN(ExprPtr right, ParseTerm());
      ExprPtr n = Node(Expr::Kind::kArith, left->column);
      n->arith = op;
      n->args.push_back(std::move(left));
      n->args.push_back(std::move(right));
      left = std::move(n);
    }
    return left;
  }

  // Arithmetic chains are parsed iteratively but evaluated recursively: bound their length.
  Status CountArith() {
    if (++arith_nodes_ > kMaxArith) {
      return lexer_.Error("too many arithmetic operators (more than " +
                              std::to_string(kMaxArith) + ")",
                          Peek().column);
    }
    return Status::OK();
  }

  Result<ExprPtr> ParseTerm() {
    LANCET_ASSIGN_OR_RETURN(ExprPtr left, ParseOperand());
    while (IsOp(Peek(), "*") || IsOp(Peek(), "/") || IsOp(Peek(), "%")) {
      LANCET_RETURN_NOT_OK(CountArith());
      char op = Next().text[0];
      LANCET_ASSIGN_OR_RETURN(ExprPtr right, ParseOperand());
      ExprPtr n = Node(Expr::Kind::kArith, left->column);
      n->arith = op;
      n->args.push_back(std::move(left));
      n->args.push_back(std::move(right));
      left = std::move(n);
    }
    return left;
  }

  Result<ExprPtr> ParsePredicate() {
    LANCET_ASSIGN_OR_RETURN(ExprPtr left, ParseAdditive());
    const Token& t = Peek();
    if (t.kind == Tok::kOp) {
      static const std::pair<const char*, CmpOp> kOps[] = {
          {"=", CmpOp::kEq},  {"==", CmpOp::kEq}, {"!=", CmpOp::kNe}, {"<>", CmpOp::kNe},
          {"<", CmpOp::kLt},  {"<=", CmpOp::kLe}, {">", CmpOp::kGt},  {">=", CmpOp::kGe}};
      for (const auto& [spelling, op] : kOps) {
        if (t.text == spelling) {
          Next();
          LANCET_ASSIGN_OR_RETURN(ExprPtr right, ParseAdditive());
          ExprPtr n = Node(Expr::Kind::kCompare, left->column);
          n->op = op;
          n->args.push_back(std::move(left));
          n->args.push_back(std::move(right));
          return n;
        }
      }
      return left;
    }
    bool negated = false;
    if (IsKeyword(t, "NOT") && (IsKeyword(Peek(1), "IN") || IsKeyword(Peek(1), "BETWEEN") ||
                                IsKeyword(Peek(1), "LIKE"))) {
      Next();
      negated = true;
    }
    const Token& k = Peek();
    if (IsKeyword(k, "IN")) {
      Next();
      LANCET_RETURN_NOT_OK(Expect("("));
      ExprPtr n = Node(Expr::Kind::kIn, left->column);
      n->negated = negated;
      while (true) {
        LANCET_ASSIGN_OR_RETURN(Literal lit, ParseLiteral());
        n->list.push_back(std::move(lit));
        if (IsOp(Peek(), ",")) {
          Next();
          continue;
        }
        LANCET_RETURN_NOT_OK(Expect(")"));
        break;
      }
      n->args.push_back(std::move(left));
      return n;
    }
    if (IsKeyword(k, "BETWEEN")) {
      Next();
      ExprPtr n = Node(Expr::Kind::kBetween, left->column);
      n->negated = negated;
      LANCET_ASSIGN_OR_RETURN(ExprPtr lo, ParseAdditive());
      if (!IsKeyword(Peek(), "AND")) return Unexpected(Peek());
      Next();
      LANCET_ASSIGN_OR_RETURN(ExprPtr hi, ParseAdditive());
      n->args.push_back(std::move(left));
      n->args.push_back(std::move(lo));
      n->args.push_back(std::move(hi));
      return n;
    }
    if (IsKeyword(k, "LIKE")) {
      Next();
      if (Peek().kind != Tok::kString) return Unexpected(Peek());
      ExprPtr n = Node(Expr::Kind::kLike, left->column);
      n->negated = negated;
      n->pattern = Next().text;
      n->args.push_back(std::move(left));
      return n;
    }
    if (IsKeyword(k, "IS")) {
      Next();
      ExprPtr n = Node(Expr::Kind::kIsNull, left->column);
      if (IsKeyword(Peek(), "NOT")) {
        Next();
        n->negated = true;
      }
      if (!IsKeyword(Peek(), "NULL")) return Unexpected(Peek());
      Next();
      n->args.push_back(std::move(left));
      return n;
    }
    return left;
  }

  Result<Literal> ParseLiteral() {
    const Token& t = Peek();
    Literal lit;
    if (IsOp(t, "-")) {
      const Token& num = Peek(1);
      if (num.kind != Tok::kInt && num.kind != Tok::kFloat) return Unexpected(num);
      Next();
      Next();
      return NumberLiteral(num, /*negative=*/true, t.column);
    }
    if (t.kind == Tok::kInt || t.kind == Tok::kFloat) {
      Next();
      return NumberLiteral(t, false, t.column);
    }
    if (t.kind == Tok::kString) {
      lit.kind = Literal::Kind::kString;
      lit.s = Next().text;
      return lit;
    }
    if (IsKeyword(t, "TRUE") || IsKeyword(t, "FALSE")) {
      lit.kind = Literal::Kind::kBool;
      lit.b = IsKeyword(t, "TRUE");
      Next();
      return lit;
    }
    if (IsKeyword(t, "NULL")) {
      Next();
      return lit;
    }
    return Unexpected(t);
  }

  Result<Literal> NumberLiteral(const Token& t, bool negative, size_t column) {
    Literal lit;
    if (t.kind == Tok::kFloat) {
      lit.kind = Literal::Kind::kFloat;
      lit.d = std::strtod(t.text.c_str(), nullptr);
      if (negative) lit.d = -lit.d;
      return lit;
    }
    uint64_t mag = 0;
    for (char c : t.text) {
      uint64_t digit = static_cast<uint64_t>(c - '0');
      if (mag > (std::numeric_limits<uint64_t>::max() - digit) / 10)
        return lexer_.Error("integer literal " + std::string(negative ? "-" : "") + t.text +
                                " out of range",
                            column);
      mag = mag * 10 + digit;
    }
    if (negative) {
      if (mag > uint64_t{1} << 63)
        return lexer_.Error("integer literal -" + t.text + " out of range", column);
      lit.kind = Literal::Kind::kInt;
      lit.i = mag == uint64_t{1} << 63 ? std::numeric_limits<int64_t>::min()
                                       : -static_cast<int64_t>(mag);
    } else if (mag > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      lit.kind = Literal::Kind::kUInt;
      lit.u = mag;
    } else {
      lit.kind = Literal::Kind::kInt;
      lit.i = static_cast<int64_t>(mag);
    }
    return lit;
  }

  Result<ExprPtr> ParseOperand() {
    const Token& t = Peek();
    if (IsOp(t, "(")) {
      Next();
      LANCET_ASSIGN_OR_RETURN(ExprPtr e, ParseOr());
      LANCET_RETURN_NOT_OK(Expect(")"));
      return e;
    }
    if (t.kind == Tok::kQuoted || (t.kind == Tok::kIdent && !IsReserved(t))) {
      ExprPtr n = Node(Expr::Kind::kColumn, t.column);
      n->path.push_back(Next().text);
      while (IsOp(Peek(), ".")) {
        Next();
        const Token& c = Peek();
        if (!(c.kind == Tok::kQuoted || (c.kind == Tok::kIdent && !IsReserved(c))))
          return Unexpected(c);
        n->path.push_back(Next().text);
      }
      return n;
    }
    size_t col = t.column;
    LANCET_ASSIGN_OR_RETURN(Literal lit, ParseLiteral());
    ExprPtr n = Node(Expr::Kind::kLiteral, col);
    n->literal = std::move(lit);
    return n;
  }

  static constexpr int kMaxArith = 1000;

  Lexer lexer_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  int arith_nodes_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Binder

bool IsTemporal(TypeId id) {
  return id == TypeId::kDate32 || id == TypeId::kDate64 || id == TypeId::kTimestamp ||
         id == TypeId::kTime32 || id == TypeId::kTime64 || id == TypeId::kDuration;
}

std::optional<Cat> CatOfType(const DataType& t) {
  switch (t.id()) {
    case TypeId::kNull:
      return Cat::kNull;
    case TypeId::kBool:
      return Cat::kBool;
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kUInt64:
    case TypeId::kDate32:
    case TypeId::kDate64:
    case TypeId::kTimestamp:
    case TypeId::kTime32:
    case TypeId::kTime64:
    case TypeId::kDuration:
      return Cat::kInt;
    case TypeId::kHalfFloat:
    case TypeId::kFloat:
    case TypeId::kDouble:
      return Cat::kFloat;
    case TypeId::kString:
    case TypeId::kLargeString:
      return Cat::kString;
    default:
      return std::nullopt;
  }
}

const char* CatName(Cat c) {
  switch (c) {
    case Cat::kNull:
      return "null";
    case Cat::kBool:
      return "boolean";
    case Cat::kInt:
      return "integer";
    case Cat::kFloat:
      return "float";
    case Cat::kString:
      return "string";
  }
  return "?";
}

class Binder {
 public:
  Binder(const Schema& schema, const Lexer& lexer, std::vector<std::string>* columns)
      : schema_(schema), lexer_(lexer), columns_(columns) {}

  // Binds `e` as a boolean expression (top level, AND/OR/NOT operands).
  Status BindBool(Expr* e) {
    LANCET_RETURN_NOT_OK(Bind(e));
    if (e->cat != Cat::kBool && e->cat != Cat::kNull) {
      return Error("expected a boolean expression, got " + Describe(*e) + " (" + CatName(e->cat) +
                       ")",
                   *e);
    }
    return Status::OK();
  }

 private:
  Status Error(const std::string& what, const Expr& e) const {
    return lexer_.Error(what, e.column);
  }
  static std::string Describe(const Expr& e) {
    if (e.kind == Expr::Kind::kColumn) return "column '" + ColumnName(e.path) + "'";
    return ExprToString(e);
  }

  // Binds a scalar operand; anything that has a category (every node) is accepted here.
  Status Bind(Expr* e) {
    switch (e->kind) {
      case Expr::Kind::kColumn:
        return BindColumn(e);
      case Expr::Kind::kLiteral:
        e->cat = e->literal.cat();
        return Status::OK();
      case Expr::Kind::kAnd:
      case Expr::Kind::kOr:
      case Expr::Kind::kNot:
        for (auto& a : e->args) LANCET_RETURN_NOT_OK(BindBool(a.get()));
        e->cat = Cat::kBool;
        return Status::OK();
      case Expr::Kind::kCompare:
        LANCET_RETURN_NOT_OK(Bind(e->args[0].get()));
        LANCET_RETURN_NOT_OK(Bind(e->args[1].get()));
        LANCET_RETURN_NOT_OK(CheckComparable(*e->args[0], *e->args[1], *e));
        e->cat = Cat::kBool;
        return Status::OK();
      case Expr::Kind::kBetween:
        for (auto& a : e->args) LANCET_RETURN_NOT_OK(Bind(a.get()));
        LANCET_RETURN_NOT_OK(CheckComparable(*e->args[0], *e->args[1], *e));
        LANCET_RETURN_NOT_OK(CheckComparable(*e->args[0], *e->args[2], *e));
        e->cat = Cat::kBool;
        return Status::OK();
      case Expr::Kind::kIn: {
        LANCET_RETURN_NOT_OK(Bind(e->args[0].get()));
        for (const Literal& l : e->list) {
          Expr tmp;
          tmp.kind = Expr::Kind::kLiteral;
          tmp.column = e->column;
          tmp.literal = l;
          tmp.cat = l.cat();
          LANCET_RETURN_NOT_OK(CheckComparable(*e->args[0], tmp, *e));
        }
        e->cat = Cat::kBool;
        return Status::OK();
      }
      case Expr::Kind::kIsNull:
        // Any column type may be tested for null, including lists, vectors and binaries.
        if (e->args[0]->kind == Expr::Kind::kColumn) {
          LANCET_RETURN_NOT_OK(BindColumn(e->args[0].get(), /*any_type=*/true));
        } else {
          LANCET_RETURN_NOT_OK(Bind(e->args[0].get()));
        }
        e->cat = Cat::kBool;
        return Status::OK();
      case Expr::Kind::kArith: {
        for (auto& a : e->args) {
          LANCET_RETURN_NOT_OK(Bind(a.get()));
          Cat c = a->cat;
          bool temporal = a->kind == Expr::Kind::kColumn && IsTemporal(a->type->id());
          if ((c != Cat::kInt && c != Cat::kFloat && c != Cat::kNull) || temporal) {
            return Error(std::string("arithmetic '") + e->arith + "' needs numbers, got " +
                             Describe(*a) + " (" + (a->type ? a->type->ToString() : CatName(c)) +
                             ")",
                         *e);
          }
        }
        Cat a = e->args[0]->cat, b = e->args[1]->cat;
        e->cat = (a == Cat::kNull || b == Cat::kNull) ? Cat::kNull
                 : (a == Cat::kFloat || b == Cat::kFloat) ? Cat::kFloat
                                                          : Cat::kInt;
        return Status::OK();
      }
      case Expr::Kind::kLike:
        LANCET_RETURN_NOT_OK(Bind(e->args[0].get()));
        if (e->args[0]->cat != Cat::kString && e->args[0]->cat != Cat::kNull)
          return Error("LIKE needs a string operand, got " + Describe(*e->args[0]) + " (" +
                           CatName(e->args[0]->cat) + ")",
                       *e);
        e->cat = Cat::kBool;
        return Status::OK();
    }
    return Status::Internal("unknown filter node");
  }

  Status BindColumn(Expr* e, bool any_type = false) {
    const std::string& top = e->path[0];
    int idx = schema_.FieldIndex(top);
    if (idx < 0) return Error("unknown column '" + top + "'", *e);
    const Field* field = &schema_.fields[static_cast<size_t>(idx)];
    e->child_index.clear();
    for (size_t i = 1; i < e->path.size(); ++i) {
      if (field->type->id() != TypeId::kStruct) {
        return Error("column '" + ColumnName({e->path.begin(), e->path.begin() + i}) +
                         "' is not a struct (it is " + field->type->ToString() + ")",
                     *e);
      }
      const auto& children = field->type->children();
      int found = -1;
      for (size_t c = 0; c < children.size(); ++c) {
        if (children[c].name == e->path[i]) {
          found = static_cast<int>(c);
          break;
        }
      }
      if (found < 0) {
        return Error("struct '" + ColumnName({e->path.begin(), e->path.begin() + i}) +
                         "' has no field '" + e->path[i] + "'",
                     *e);
      }
      e->child_index.push_back(found);
      field = &children[static_cast<size_t>(found)];
    }
    e->type = field->type;
    auto cat = CatOfType(*field->type);
    if (!cat) {
      if (!any_type) {
        return Error("column '" + ColumnName(e->path) + "' of type " + field->type->ToString() +
                         " cannot be used in a comparison",
                     *e);
      }
      cat = Cat::kNull;  // only its validity is used
    }
    e->cat = *cat;
    auto it = std::find(columns_->begin(), columns_->end(), top);
    if (it == columns_->end()) {
      columns_->push_back(top);
      it = columns_->end() - 1;
    }
    e->column_slot = static_cast<int>(it - columns_->begin());
    return Status::OK();
  }

  Status CheckComparable(const Expr& a, const Expr& b, const Expr& at) const {
    Cat ca = a.cat, cb = b.cat;
    bool ok;
    if (ca == Cat::kNull || cb == Cat::kNull) {
      ok = true;
    } else if ((ca == Cat::kInt || ca == Cat::kFloat) && (cb == Cat::kInt || cb == Cat::kFloat)) {
      ok = true;
      // Temporal columns compare with numbers literally given, or with the same temporal type.
      bool ta = a.kind == Expr::Kind::kColumn && IsTemporal(a.type->id());
      bool tb = b.kind == Expr::Kind::kColumn && IsTemporal(b.type->id());
      if (ta && tb) ok = a.type->Equals(*b.type);
      else if (ta && b.kind == Expr::Kind::kColumn) ok = false;
      else if (tb && a.kind == Expr::Kind::kColumn) ok = false;
      else if ((ta && cb == Cat::kFloat) || (tb && ca == Cat::kFloat)) ok = false;
    } else {
      ok = ca == cb;
    }
    if (!ok) {
      std::string ta = a.type ? a.type->ToString() : CatName(ca);
      std::string tb = b.type ? b.type->ToString() : CatName(cb);
      return Error("cannot compare " + Describe(a) + " (" + ta + ") with " + Describe(b) + " (" +
                       tb + ")",
                   at);
    }
    return Status::OK();
  }

  const Schema& schema_;
  const Lexer& lexer_;
  std::vector<std::string>* columns_;
};

// ---------------------------------------------------------------------------------------------
// Evaluation

constexpr uint8_t kF = 0, kT = 1, kN = 2;
using Tri = std::vector<uint8_t>;

// A materialised scalar operand: either one value per row or a single broadcast value.
struct Values {
  Cat cat = Cat::kNull;
  bool scalar = false;
  std::vector<uint8_t> valid;  // 1 = valid
  // Numbers: exactly one of these is used (by `num`).
  enum class Num : uint8_t { kI64, kU64, kF64 } num = Num::kI64;
  std::vector<int64_t> i64;
  std::vector<uint64_t> u64;
  std::vector<double> f64;
  std::vector<uint8_t> b;
  std::vector<std::string_view> s;
  std::string owned;  // a literal string's storage

  size_t at(size_t row) const { return scalar ? 0 : row; }
  bool is_valid(size_t row) const { return valid[at(row)] != 0; }
};

// IEEE total order key (as Rust's f64::total_cmp).
inline int64_t TotalKey(double d) {
  int64_t k;
  std::memcpy(&k, &d, 8);
  return k ^ static_cast<int64_t>(static_cast<uint64_t>(k >> 63) >> 1);
}

inline int Sign(int64_t a, int64_t b) { return (a > b) - (a < b); }
inline int Cmp(int64_t a, int64_t b) { return Sign(a, b); }
inline int Cmp(uint64_t a, uint64_t b) { return (a > b) - (a < b); }
inline int Cmp(int64_t a, uint64_t b) { return a < 0 ? -1 : Cmp(static_cast<uint64_t>(a), b); }
inline int Cmp(uint64_t a, int64_t b) { return -Cmp(b, a); }
inline int Cmp(double a, double b) { return Sign(TotalKey(a), TotalKey(b)); }
inline int Cmp(int64_t a, double b) { return Cmp(static_cast<double>(a), b); }
inline int Cmp(uint64_t a, double b) { return Cmp(static_cast<double>(a), b); }
inline int Cmp(double a, int64_t b) { return Cmp(a, static_cast<double>(b)); }
inline int Cmp(double a, uint64_t b) { return Cmp(a, static_cast<double>(b)); }
inline int Cmp(std::string_view a, std::string_view b) {
  int c = a.compare(b);
  return (c > 0) - (c < 0);
}

inline bool Holds(CmpOp op, int c) {
  switch (op) {
    case CmpOp::kEq:
      return c == 0;
    case CmpOp::kNe:
      return c != 0;
    case CmpOp::kLt:
      return c < 0;
    case CmpOp::kLe:
      return c <= 0;
    case CmpOp::kGt:
      return c > 0;
    case CmpOp::kGe:
      return c >= 0;
  }
  return false;
}

template <typename A, typename B>
void CompareLoop(const Values& a, const std::vector<A>& va, const Values& b,
                 const std::vector<B>& vb, CmpOp op, size_t n, Tri* out) {
  for (size_t r = 0; r < n; ++r) {
    if (!a.is_valid(r) || !b.is_valid(r)) {
      (*out)[r] = kN;
    } else {
      (*out)[r] = Holds(op, Cmp(va[a.at(r)], vb[b.at(r)])) ? kT : kF;
    }
  }
}

template <typename A>
void CompareNumRight(const Values& a, const std::vector<A>& va, const Values& b, CmpOp op,
                     size_t n, Tri* out) {
  switch (b.num) {
    case Values::Num::kI64:
      return CompareLoop(a, va, b, b.i64, op, n, out);
    case Values::Num::kU64:
      return CompareLoop(a, va, b, b.u64, op, n, out);
    case Values::Num::kF64:
      return CompareLoop(a, va, b, b.f64, op, n, out);
  }
}

Tri Compare(const Values& a, const Values& b, CmpOp op, size_t n) {
  Tri out(n, kN);
  if (a.cat == Cat::kNull || b.cat == Cat::kNull) return out;
  if (a.cat == Cat::kString) {
    CompareLoop(a, a.s, b, b.s, op, n, &out);
  } else if (a.cat == Cat::kBool) {
    std::vector<int64_t> ab(a.b.begin(), a.b.end()), bb(b.b.begin(), b.b.end());
    CompareLoop(a, ab, b, bb, op, n, &out);
  } else {
    switch (a.num) {
      case Values::Num::kI64:
        CompareNumRight(a, a.i64, b, op, n, &out);
        break;
      case Values::Num::kU64:
        CompareNumRight(a, a.u64, b, op, n, &out);
        break;
      case Values::Num::kF64:
        CompareNumRight(a, a.f64, b, op, n, &out);
        break;
    }
  }
  return out;
}

Values FromLiteral(const Literal& l) {
  Values v;
  v.scalar = true;
  v.cat = l.cat();
  v.valid = {static_cast<uint8_t>(l.kind != Literal::Kind::kNull)};
  switch (l.kind) {
    case Literal::Kind::kNull:
      break;
    case Literal::Kind::kBool:
      v.b = {static_cast<uint8_t>(l.b)};
      break;
    case Literal::Kind::kInt:
      v.num = Values::Num::kI64;
      v.i64 = {l.i};
      break;
    case Literal::Kind::kUInt:
      v.num = Values::Num::kU64;
      v.u64 = {l.u};
      break;
    case Literal::Kind::kFloat:
      v.num = Values::Num::kF64;
      v.f64 = {l.d};
      break;
    case Literal::Kind::kString:
      v.owned = l.s;
      v.s = {std::string_view()};  // set by the caller once `v` has its final address
      break;
  }
  return v;
}

template <typename T>
T LoadAt(const ArrayData& a, int64_t i) {
  T v;
  std::memcpy(&v, a.values.data() + i * static_cast<int64_t>(sizeof(T)), sizeof(T));
  return v;
}

// Validates that a column of `type` and `n` rows carries enough bytes to be read here.
Status CheckArray(const ArrayData& a, int64_t n, const std::string& name) {
  if (a.length != n)
    return Status::InvalidArgument("filter: column '" + name + "' has " +
                                   std::to_string(a.length) + " rows, the batch " +
                                   std::to_string(n));
  if (!a.validity.empty() && a.validity.size() * 8 < n)
    return Status::InvalidArgument("filter: column '" + name + "' has a short validity bitmap");
  if (a.validity.empty() && a.null_count != 0 && a.null_count != n)
    return Status::InvalidArgument("filter: column '" + name + "' has an inconsistent null count");
  int bits = a.type->bit_width();
  if (a.type->is_fixed_width_primitive() && a.values.size() * 8 < bits * n &&
      !(a.validity.empty() && a.null_count == n)) {
    return Status::InvalidArgument("filter: column '" + name + "' has a short values buffer");
  }
  if (a.type->is_binary_like()) {
    if (a.offsets.size() < (n + 1) * 8)
      return Status::InvalidArgument("filter: column '" + name + "' has a short offsets buffer");
    for (int64_t i = 0; i <= n; ++i) {
      int64_t o = OffsetAt(a, i);
      if (o < 0 || o > a.values.size() || (i > 0 && o < OffsetAt(a, i - 1)))
        return Status::InvalidArgument("filter: column '" + name + "' has bad offsets");
    }
  }
  return Status::OK();
}

Result<Values> FromColumn(const Expr& e, const ArrayPtr& top, int64_t n) {
  Values v;
  v.cat = e.cat;
  v.valid.assign(static_cast<size_t>(n), 1);
  const ArrayData* a = top.get();
  std::string name = e.path[0];
  LANCET_RETURN_NOT_OK(CheckArray(*a, n, name));
  auto and_validity = [&](const ArrayData& arr) {
    if (arr.validity.empty() && arr.null_count == 0) return;
    for (int64_t i = 0; i < n; ++i) {
      if (!arr.IsValid(i)) v.valid[static_cast<size_t>(i)] = 0;
    }
  };
  and_validity(*a);
  for (size_t level = 0; level < e.child_index.size(); ++level) {
    size_t c = static_cast<size_t>(e.child_index[level]);
    if (a->type->id() != TypeId::kStruct || c >= a->children.size() || !a->children[c])
      return Status::InvalidArgument("filter: struct column '" + name + "' has no child " +
                                     std::to_string(c));
    a = a->children[c].get();
    name += "." + e.path[level + 1];
    LANCET_RETURN_NOT_OK(CheckArray(*a, n, name));
    and_validity(*a);
  }
  if (!a->type->Equals(*e.type)) {
    return Status::InvalidArgument("filter: column '" + name + "' has type " +
                                   a->type->ToString() + " in the batch, the filter was bound to " +
                                   e.type->ToString());
  }
  const bool all_null = a->validity.empty() && a->null_count == n && n > 0;
  const size_t un = static_cast<size_t>(n);
  switch (a->type->id()) {
    case TypeId::kBool:
      v.b.assign(un, 0);
      if (!all_null) {
        for (int64_t i = 0; i < n; ++i)
          v.b[static_cast<size_t>(i)] = (a->values.data()[i >> 3] >> (i & 7)) & 1;
      }
      break;
#define LANCET_FILTER_INT(ID, T)                                            \
  case TypeId::ID:                                                          \
    v.num = Values::Num::kI64;                                              \
    v.i64.assign(un, 0);                                                    \
    if (!all_null) {                                                        \
      for (int64_t i = 0; i < n; ++i) v.i64[static_cast<size_t>(i)] = LoadAt<T>(*a, i); \
    }                                                                       \
    break;
      LANCET_FILTER_INT(kInt8, int8_t)
      LANCET_FILTER_INT(kInt16, int16_t)
      LANCET_FILTER_INT(kInt32, int32_t)
      LANCET_FILTER_INT(kInt64, int64_t)
      LANCET_FILTER_INT(kUInt8, uint8_t)
      LANCET_FILTER_INT(kUInt16, uint16_t)
      LANCET_FILTER_INT(kUInt32, uint32_t)
      LANCET_FILTER_INT(kDate32, int32_t)
      LANCET_FILTER_INT(kDate64, int64_t)
      LANCET_FILTER_INT(kTimestamp, int64_t)
      LANCET_FILTER_INT(kDuration, int64_t)
      LANCET_FILTER_INT(kTime64, int64_t)
      LANCET_FILTER_INT(kTime32, int32_t)
#undef LANCET_FILTER_INT
    case TypeId::kUInt64:
      v.num = Values::Num::kU64;
      v.u64.assign(un, 0);
      if (!all_null) {
        for (int64_t i = 0; i < n; ++i) v.u64[static_cast<size_t>(i)] = LoadAt<uint64_t>(*a, i);
      }
      break;
    case TypeId::kHalfFloat:
    case TypeId::kFloat:
    case TypeId::kDouble:
      v.num = Values::Num::kF64;
      v.f64.assign(un, 0);
      if (!all_null) {
        for (int64_t i = 0; i < n; ++i) {
          double d;
          if (a->type->id() == TypeId::kHalfFloat) {
            d = Float16ToDouble(LoadAt<uint16_t>(*a, i));
          } else if (a->type->id() == TypeId::kFloat) {
            d = static_cast<double>(LoadAt<float>(*a, i));
          } else {
            d = LoadAt<double>(*a, i);
          }
          v.f64[static_cast<size_t>(i)] = d;
        }
      }
      break;
    case TypeId::kString:
    case TypeId::kLargeString:
      v.s.assign(un, std::string_view());
      if (!all_null) {
        for (int64_t i = 0; i < n; ++i) {
          int64_t b = OffsetAt(*a, i), end = OffsetAt(*a, i + 1);
          v.s[static_cast<size_t>(i)] = std::string_view(
              reinterpret_cast<const char*>(a->values.data()) + b, static_cast<size_t>(end - b));
        }
      }
      break;
    default:
      // Null type, or any type under IS [NOT] NULL: validity only.
      if (a->type->id() == TypeId::kNull) std::fill(v.valid.begin(), v.valid.end(), 0);
      break;
  }
  return v;
}

// LIKE matching with '%', '_' (one UTF-8 character) and backslash escapes.
struct LikeItem {
  enum class Kind : uint8_t { kByte, kAny, kOne } kind;
  char c = 0;
};

std::vector<LikeItem> CompileLike(const std::string& p) {
  std::vector<LikeItem> out;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      out.push_back({LikeItem::Kind::kByte, p[++i]});
    } else if (c == '%') {
      if (out.empty() || out.back().kind != LikeItem::Kind::kAny)
        out.push_back({LikeItem::Kind::kAny, 0});
    } else if (c == '_') {
      out.push_back({LikeItem::Kind::kOne, 0});
    } else {
      out.push_back({LikeItem::Kind::kByte, c});
    }
  }
  return out;
}

inline size_t Utf8Len(std::string_view s, size_t i) {
  size_t n = 1;
  while (i + n < s.size() && (static_cast<uint8_t>(s[i + n]) & 0xC0) == 0x80) ++n;
  return n;
}

bool LikeMatch(const std::vector<LikeItem>& pat, std::string_view s) {
  size_t p = 0, i = 0;
  size_t star_p = std::string::npos, star_i = 0;
  while (i < s.size()) {
    if (p < pat.size() && pat[p].kind == LikeItem::Kind::kByte && pat[p].c == s[i]) {
      ++p;
      ++i;
    } else if (p < pat.size() && pat[p].kind == LikeItem::Kind::kOne) {
      ++p;
      i += Utf8Len(s, i);
    } else if (p < pat.size() && pat[p].kind == LikeItem::Kind::kAny) {
      star_p = p++;
      star_i = i;
    } else if (star_p != std::string::npos) {
      p = star_p + 1;
      star_i += Utf8Len(s, star_i);
      i = star_i;
    } else {
      return false;
    }
  }
  while (p < pat.size() && pat[p].kind == LikeItem::Kind::kAny) ++p;
  return p == pat.size();
}

class FilterImpl final : public Filter {
 public:
  FilterImpl(ExprPtr root, std::vector<std::string> columns)
      : root_(std::move(root)), columns_(std::move(columns)) {}

  const std::vector<std::string>& columns() const override { return columns_; }

  std::string ToString() const override { return ExprToString(*root_); }

  Result<std::vector<uint8_t>> Evaluate(const RecordBatch& batch) const override {
    if (batch.num_rows < 0) return Status::InvalidArgument("filter: negative row count");
    std::vector<ArrayPtr> arrays;
    for (const std::string& name : columns_) {
      int idx = batch.schema.FieldIndex(name);
      if (idx < 0 || static_cast<size_t>(idx) >= batch.columns.size() ||
          !batch.columns[static_cast<size_t>(idx)]) {
        return Status::InvalidArgument("filter: the batch has no column '" + name + "'");
      }
      arrays.push_back(batch.columns[static_cast<size_t>(idx)]);
    }
    const size_t n = static_cast<size_t>(batch.num_rows);
    LANCET_ASSIGN_OR_RETURN(Tri t, EvalBool(*root_, arrays, n));
    for (uint8_t& x : t) x = x == kT ? 1 : 0;
    return t;
  }

 private:
  Result<Values> EvalValues(const Expr& e, const std::vector<ArrayPtr>& arrays, size_t n) const {
    if (e.kind == Expr::Kind::kColumn) {
      return FromColumn(e, arrays[static_cast<size_t>(e.column_slot)], static_cast<int64_t>(n));
    }
    if (e.kind == Expr::Kind::kLiteral) return FromLiteral(e.literal);
    if (e.kind == Expr::Kind::kArith) return EvalArith(e, arrays, n);
    // A boolean node used as a value.
    LANCET_ASSIGN_OR_RETURN(Tri t, EvalBool(e, arrays, n));
    Values v;
    v.cat = Cat::kBool;
    v.valid.resize(n);
    v.b.resize(n);
    for (size_t r = 0; r < n; ++r) {
      v.valid[r] = t[r] != kN;
      v.b[r] = t[r] == kT;
    }
    return v;
  }

  // Integer arithmetic is exact in int64 (overflow and division by zero are errors, as in
  // DataFusion); as soon as a float or a uint64 above INT64_MAX is involved it is done in double.
  Result<Values> EvalArith(const Expr& e, const std::vector<ArrayPtr>& arrays, size_t n) const {
    LANCET_ASSIGN_OR_RETURN(Values a, EvalValues(*e.args[0], arrays, n));
    LANCET_ASSIGN_OR_RETURN(Values b, EvalValues(*e.args[1], arrays, n));
    Values out;
    out.scalar = a.scalar && b.scalar;
    const size_t m = out.scalar ? 1 : n;
    out.valid.assign(m, 0);
    if (a.cat == Cat::kNull || b.cat == Cat::kNull) return out;  // NULL op x = NULL
    auto as_i64 = [](const Values& v, size_t i, int64_t* x) {
      switch (v.num) {
        case Values::Num::kI64: *x = v.i64[i]; return true;
        case Values::Num::kU64:
          if (v.u64[i] > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
          *x = static_cast<int64_t>(v.u64[i]);
          return true;
        case Values::Num::kF64: return false;
      }
      return false;
    };
    auto as_f64 = [](const Values& v, size_t i) {
      switch (v.num) {
        case Values::Num::kI64: return static_cast<double>(v.i64[i]);
        case Values::Num::kU64: return static_cast<double>(v.u64[i]);
        case Values::Num::kF64: return v.f64[i];
      }
      return 0.0;
    };
    const bool use_float = a.cat == Cat::kFloat || b.cat == Cat::kFloat;
    out.cat = use_float ? Cat::kFloat : Cat::kInt;
    out.num = use_float ? Values::Num::kF64 : Values::Num::kI64;
    std::vector<double> f(use_float ? m : 0);
    std::vector<int64_t> iv(use_float ? 0 : m);
    bool promote = false;  // an integer result did not fit: redo in double
    for (size_t r = 0; r < m && !use_float; ++r) {
      if (!a.is_valid(r) || !b.is_valid(r)) continue;
      int64_t x, y, z = 0;
      if (!as_i64(a, a.at(r), &x) || !as_i64(b, b.at(r), &y)) {
        promote = true;
        break;
      }
      bool overflow = false;
      switch (e.arith) {
        case '+': overflow = __builtin_add_overflow(x, y, &z); break;
        case '-': overflow = __builtin_sub_overflow(x, y, &z); break;
        case '*': overflow = __builtin_mul_overflow(x, y, &z); break;
        case '/':
        case '%':
          if (y == 0) return lexer_error("division by zero", e);
          if (x == std::numeric_limits<int64_t>::min() && y == -1) {
            overflow = e.arith == '/';
            z = 0;
          } else {
            z = e.arith == '/' ? x / y : x % y;
          }
          break;
      }
      if (overflow) return lexer_error("integer overflow in arithmetic", e);
      iv[r] = z;
      out.valid[r] = 1;
    }
    if (!use_float && !promote) {
      out.i64 = std::move(iv);
      return out;
    }
    out.cat = Cat::kFloat;
    out.num = Values::Num::kF64;
    f.assign(m, 0);
    out.valid.assign(m, 0);
    for (size_t r = 0; r < m; ++r) {
      if (!a.is_valid(r) || !b.is_valid(r)) continue;
      double x = as_f64(a, a.at(r)), y = as_f64(b, b.at(r));
      switch (e.arith) {
        case '+': f[r] = x + y; break;
        case '-': f[r] = x - y; break;
        case '*': f[r] = x * y; break;
        case '/': f[r] = x / y; break;
        case '%': f[r] = std::fmod(x, y); break;
      }
      out.valid[r] = 1;
    }
    out.f64 = std::move(f);
    return out;
  }

  Status lexer_error(const std::string& what, const Expr& e) const {
    return Status::InvalidArgument("filter: " + what + " in " + ExprToString(e));
  }

  static void FixLiteralViews(Values* v) {
    if (v->scalar && v->cat == Cat::kString) v->s[0] = v->owned;
  }

  Result<Tri> EvalBool(const Expr& e, const std::vector<ArrayPtr>& arrays, size_t n) const {
    switch (e.kind) {
      case Expr::Kind::kColumn:
      case Expr::Kind::kLiteral:
      case Expr::Kind::kArith: {
        LANCET_ASSIGN_OR_RETURN(Values v, EvalValues(e, arrays, n));
        Tri out(n, kN);
        if (v.cat != Cat::kBool) return out;  // NULL literal / null-type column
        for (size_t r = 0; r < n; ++r) {
          if (v.is_valid(r)) out[r] = v.b[v.at(r)] ? kT : kF;
        }
        return out;
      }
      case Expr::Kind::kAnd:
      case Expr::Kind::kOr: {
        LANCET_ASSIGN_OR_RETURN(Tri a, EvalBool(*e.args[0], arrays, n));
        const bool is_and = e.kind == Expr::Kind::kAnd;
        const uint8_t dominant = is_and ? kF : kT;
        for (size_t i = 1; i < e.args.size(); ++i) {
          LANCET_ASSIGN_OR_RETURN(Tri b, EvalBool(*e.args[i], arrays, n));
          for (size_t r = 0; r < n; ++r) {
            if (a[r] == dominant || b[r] == dominant) {
              a[r] = dominant;
            } else if (a[r] == kN || b[r] == kN) {
              a[r] = kN;
            }
          }
        }
        return a;
      }
      case Expr::Kind::kNot: {
        LANCET_ASSIGN_OR_RETURN(Tri a, EvalBool(*e.args[0], arrays, n));
        for (uint8_t& x : a) x = x == kN ? kN : (x == kT ? kF : kT);
        return a;
      }
      case Expr::Kind::kCompare: {
        LANCET_ASSIGN_OR_RETURN(Values a, EvalValues(*e.args[0], arrays, n));
        LANCET_ASSIGN_OR_RETURN(Values b, EvalValues(*e.args[1], arrays, n));
        FixLiteralViews(&a);
        FixLiteralViews(&b);
        return Compare(a, b, e.op, n);
      }
      case Expr::Kind::kBetween: {
        LANCET_ASSIGN_OR_RETURN(Values x, EvalValues(*e.args[0], arrays, n));
        LANCET_ASSIGN_OR_RETURN(Values lo, EvalValues(*e.args[1], arrays, n));
        LANCET_ASSIGN_OR_RETURN(Values hi, EvalValues(*e.args[2], arrays, n));
        FixLiteralViews(&x);
        FixLiteralViews(&lo);
        FixLiteralViews(&hi);
        Tri a = Compare(x, lo, CmpOp::kGe, n);
        Tri b = Compare(x, hi, CmpOp::kLe, n);
        for (size_t r = 0; r < n; ++r) {
          uint8_t v = (a[r] == kF || b[r] == kF) ? kF : (a[r] == kN || b[r] == kN) ? kN : kT;
          if (e.negated && v != kN) v = v == kT ? kF : kT;
          a[r] = v;
        }
        return a;
      }
      case Expr::Kind::kIn: {
        LANCET_ASSIGN_OR_RETURN(Values x, EvalValues(*e.args[0], arrays, n));
        FixLiteralViews(&x);
        // x IN (l1, l2, ...) = x = l1 OR x = l2 OR ...; NOT IN is its negation.
        Tri acc(n, kF);
        for (const Literal& l : e.list) {
          Values lv = FromLiteral(l);
          FixLiteralViews(&lv);
          Tri eq = Compare(x, lv, CmpOp::kEq, n);
          for (size_t r = 0; r < n; ++r) {
            if (acc[r] == kT || eq[r] == kT) {
              acc[r] = kT;
            } else if (eq[r] == kN) {
              acc[r] = kN;
            }
          }
        }
        if (e.negated) {
          for (uint8_t& v : acc) v = v == kN ? kN : (v == kT ? kF : kT);
        }
        return acc;
      }
      case Expr::Kind::kIsNull: {
        const Expr& a = *e.args[0];
        Tri out(n, kF);
        if (a.kind == Expr::Kind::kColumn || a.kind == Expr::Kind::kLiteral ||
            a.kind == Expr::Kind::kArith) {
          LANCET_ASSIGN_OR_RETURN(Values v, EvalValues(a, arrays, n));
          for (size_t r = 0; r < n; ++r) out[r] = (v.is_valid(r) != e.negated) ? kF : kT;
        } else {
          LANCET_ASSIGN_OR_RETURN(Tri t, EvalBool(a, arrays, n));
          for (size_t r = 0; r < n; ++r) out[r] = ((t[r] == kN) != e.negated) ? kT : kF;
        }
        return out;
      }
      case Expr::Kind::kLike: {
        LANCET_ASSIGN_OR_RETURN(Values x, EvalValues(*e.args[0], arrays, n));
        FixLiteralViews(&x);
        Tri out(n, kN);
        if (x.cat != Cat::kString) return out;
        const std::vector<LikeItem> pat = CompileLike(e.pattern);
        for (size_t r = 0; r < n; ++r) {
          if (!x.is_valid(r)) continue;
          out[r] = (LikeMatch(pat, x.s[x.at(r)]) != e.negated) ? kT : kF;
        }
        return out;
      }
    }
    return Status::Internal("unknown filter node");
  }

  ExprPtr root_;
  std::vector<std::string> columns_;
};

}  // namespace

Result<std::shared_ptr<const Filter>> Filter::Make(std::string_view text, const Schema& schema) {
  Lexer lexer(text);
  std::vector<Token> tokens;
  LANCET_RETURN_NOT_OK(lexer.Run(&tokens));
  if (tokens.size() == 1) return lexer.Error("empty filter", 1);
  Parser parser(text, std::move(tokens));
  LANCET_ASSIGN_OR_RETURN(ExprPtr root, parser.ParseAll());
  std::vector<std::string> columns;
  Binder binder(schema, lexer, &columns);
  LANCET_RETURN_NOT_OK(binder.BindBool(root.get()));
  return std::shared_ptr<const Filter>(
      std::make_shared<FilterImpl>(std::move(root), std::move(columns)));
}

}  // namespace lancet::table
