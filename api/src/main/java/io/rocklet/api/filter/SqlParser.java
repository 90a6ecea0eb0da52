package io.rocklet.api.filter;

import io.rocklet.api.filter.SqlLexer.Kind;
import io.rocklet.api.filter.SqlLexer.Token;

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser of RocketMQ's SQL92 subset, lowest precedence first:
 * <pre>
 * expression := and (OR and)*
 * and        := not (AND not)*
 * not        := NOT not | predicate
 * predicate  := '(' expression ')'
 *             | operand (= | &lt;&gt; | != | &lt; | &lt;= | &gt; | &gt;=) operand
 *             | operand [NOT] BETWEEN operand AND operand
 *             | operand [NOT] IN '(' literal (',' literal)* ')'
 *             | operand [NOT] LIKE string [ESCAPE string]
 *             | operand IS [NOT] NULL
 *             | TRUE | FALSE
 * operand    := identifier | string | [+|-] number | TRUE | FALSE
 * </pre>
 * Nesting is limited to {@value #MAX_DEPTH} levels so that no input exhausts the stack. Not thread-safe; one
 * instance parses one expression.
 */
final class SqlParser
{
    static final int MAX_DEPTH = 64;

    private final String expression;
    private final List<Token> tokens;
    private int index;
    private int depth;

    private SqlParser(final String expression)
    {
        this.expression = expression;
        this.tokens = SqlLexer.tokens(expression);
    }

    /**
     * @throws io.rocklet.api.InvalidArgumentException naming the expression and the position of the error.
     */
    static SqlNode parse(final String expression)
    {
        final SqlParser parser = new SqlParser(expression);
        if (parser.peek().kind() == Kind.END)
        {
            throw SqlFilter.error(expression, 0, "empty expression");
        }
        final SqlNode root = parser.orExpression();
        final Token end = parser.peek();
        if (end.kind() != Kind.END)
        {
            throw SqlFilter.error(expression, end.position(), "unexpected " + end.describe() +
                " after a complete expression");
        }
        return root;
    }

    private SqlNode orExpression()
    {
        enter();
        SqlNode node = andExpression();
        while (peek().isKeyword("OR"))
        {
            index++;
            node = new SqlNode.Or(node, andExpression());
        }
        depth--;
        return node;
    }

    private SqlNode andExpression()
    {
        SqlNode node = notExpression();
        while (peek().isKeyword("AND"))
        {
            index++;
            node = new SqlNode.And(node, notExpression());
        }
        return node;
    }

    private SqlNode notExpression()
    {
        if (peek().isKeyword("NOT"))
        {
            index++;
            enter();
            final SqlNode operand = notExpression();
            depth--;
            return new SqlNode.Not(operand);
        }
        return predicate();
    }

    private SqlNode predicate()
    {
        final Token first = peek();
        if (first.isOperator("("))
        {
            index++;
            final SqlNode inner = orExpression();
            expectOperator(")");
            return inner;
        }
        final Operand left = operand("a property, a literal, NOT or '('");
        final Token next = peek();
        if (next.kind() == Kind.OPERATOR && isComparison(next.text()))
        {
            index++;
            final String operator = next.text().equals("!=") ? "<>" : next.text();
            return new SqlNode.Comparison(left, operator, operand("an operand after " + next.text()));
        }
        if (next.isKeyword("IS"))
        {
            index++;
            final boolean negated = accept("NOT");
            expectKeyword("NULL");
            final SqlNode node = new SqlNode.IsNull(left);
            return negated ? new SqlNode.Not(node) : node;
        }
        final boolean negated = next.isKeyword("NOT");
        if (negated)
        {
            index++;
        }
        final SqlNode node = negatable(left);
        if (node != null)
        {
            return negated ? new SqlNode.Not(node) : node;
        }
        if (!negated && left instanceof Operand.Literal literal && literal.kind() == Operand.Literal.Kind.BOOLEAN)
        {
            return new SqlNode.Constant(Boolean.parseBoolean(literal.text()));
        }
        final Token at = peek();
        throw SqlFilter.error(expression, at.position(), "expected " + (negated ? "BETWEEN, IN or LIKE" :
            "a comparison operator, BETWEEN, IN, LIKE or IS") + " after " + left + " but found " + at.describe());
    }

    /**
     * @return the BETWEEN, IN or LIKE predicate on {@code left}, or null when the next token starts none of them.
     */
    private SqlNode negatable(final Operand left)
    {
        if (accept("BETWEEN"))
        {
            final Operand low = operand("a lower bound after BETWEEN");
            expectKeyword("AND");
            return new SqlNode.Between(left, low, operand("an upper bound after AND"));
        }
        if (accept("IN"))
        {
            expectOperator("(");
            final List<Operand.Literal> candidates = new ArrayList<>();
            do
            {
                if (!(operand("a literal in the IN list") instanceof Operand.Literal literal))
                {
                    throw SqlFilter.error(expression, tokens.get(index - 1).position(),
                        "IN lists hold literals only");
                }
                candidates.add(literal);
            }
            while (acceptOperator(","));
            expectOperator(")");
            return new SqlNode.In(left, candidates);
        }
        if (accept("LIKE"))
        {
            final Token pattern = expectString("a pattern string after LIKE");
            Character escape = null;
            if (accept("ESCAPE"))
            {
                final Token escapeToken = expectString("an escape string after ESCAPE");
                if (escapeToken.text().length() != 1)
                {
                    throw SqlFilter.error(expression, escapeToken.position(),
                        "ESCAPE takes one character, found " + escapeToken.describe());
                }
                escape = escapeToken.text().charAt(0);
            }
            return new SqlNode.Like(left, LikePattern.compile(pattern.text(), escape, expression,
                pattern.position()));
        }
        return null;
    }

    private Operand operand(final String expected)
    {
        final Token token = peek();
        switch (token.kind())
        {
            case IDENTIFIER:
                index++;
                return new Operand.Field(token.text());
            case STRING:
                index++;
                return Operand.Literal.string(token.text());
            case NUMBER:
                index++;
                return number(token, "");
            case KEYWORD:
                if (token.isKeyword("TRUE") || token.isKeyword("FALSE"))
                {
                    index++;
                    return Operand.Literal.bool(token.isKeyword("TRUE"));
                }
                break;
            case OPERATOR:
                if ((token.isOperator("-") || token.isOperator("+")) && tokens.get(index + 1).kind() == Kind.NUMBER)
                {
                    index += 2;
                    return number(tokens.get(index - 1), token.text());
                }
                break;
            default:
                break;
        }
        throw SqlFilter.error(expression, token.position(), "expected " + expected + " but found " +
            token.describe());
    }

    private Operand.Literal number(final Token token, final String sign)
    {
        final Operand.Literal literal = Operand.Literal.number(sign + token.text());
        if (literal == null)
        {
            throw SqlFilter.error(expression, token.position(), "number out of range: " + sign + token.text());
        }
        return literal;
    }

    private static boolean isComparison(final String operator)
    {
        return switch (operator)
        {
            case "=", "<>", "!=", "<", "<=", ">", ">=" -> true;
            default -> false;
        };
    }

    private void enter()
    {
        if (++depth > MAX_DEPTH)
        {
            throw SqlFilter.error(expression, peek().position(), "nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private Token peek()
    {
        return tokens.get(index);
    }

    private boolean accept(final String keyword)
    {
        if (peek().isKeyword(keyword))
        {
            index++;
            return true;
        }
        return false;
    }

    private boolean acceptOperator(final String operator)
    {
        if (peek().isOperator(operator))
        {
            index++;
            return true;
        }
        return false;
    }

    private void expectKeyword(final String keyword)
    {
        if (!accept(keyword))
        {
            throw SqlFilter.error(expression, peek().position(), "expected " + keyword + " but found " +
                peek().describe());
        }
    }

    private void expectOperator(final String operator)
    {
        if (!acceptOperator(operator))
        {
            throw SqlFilter.error(expression, peek().position(), "expected '" + operator + "' but found " +
                peek().describe());
        }
    }

    private Token expectString(final String expected)
    {
        final Token token = peek();
        if (token.kind() != Kind.STRING)
        {
            throw SqlFilter.error(expression, token.position(), "expected " + expected + " but found " +
                token.describe());
        }
        index++;
        return token;
    }
}
