package io.rocklet.api.filter;

import io.rocklet.api.InvalidArgumentException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits an SQL92 filter expression into tokens: identifiers (letters, digits, {@code _}, {@code .}, {@code $}, not
 * starting with a digit), keywords (case-insensitive), string literals in single quotes ({@code ''} is a quote),
 * numbers ({@code 12}, {@code 1.5}, {@code 2e3}) and the operators {@code = <> != < <= > >= ( ) , + -}.
 * Not thread-safe; one instance lexes one expression.
 */
final class SqlLexer
{
    /** Token kinds. */
    enum Kind
    {
        IDENTIFIER, KEYWORD, STRING, NUMBER, OPERATOR, END
    }

    /**
     * @param kind     the kind.
     * @param text     keyword upper-cased, identifier/number/operator as written, string unquoted.
     * @param position index of the token's first character in the expression.
     */
    record Token(Kind kind, String text, int position)
    {
        boolean is(final Kind k, final String t)
        {
            return kind == k && text.equals(t);
        }

        boolean isKeyword(final String keyword)
        {
            return is(Kind.KEYWORD, keyword);
        }

        boolean isOperator(final String operator)
        {
            return is(Kind.OPERATOR, operator);
        }

        String describe()
        {
            return kind == Kind.END ? "end of expression" : kind == Kind.STRING ? "'" + text + "'" : text;
        }
    }

    private static final List<String> KEYWORDS = List.of("AND", "OR", "NOT", "BETWEEN", "IN", "IS", "NULL", "LIKE",
        "ESCAPE", "TRUE", "FALSE");

    private final String expression;
    private int pos;

    private SqlLexer(final String expression)
    {
        this.expression = expression;
    }

    /**
     * @return the tokens of {@code expression}, ending with an {@link Kind#END} token.
     * @throws InvalidArgumentException naming the position of an illegal character or an unterminated string.
     */
    static List<Token> tokens(final String expression)
    {
        final SqlLexer lexer = new SqlLexer(expression);
        final List<Token> tokens = new ArrayList<>();
        Token token;
        do
        {
            token = lexer.next();
            tokens.add(token);
        }
        while (token.kind() != Kind.END);
        return tokens;
    }

    private Token next()
    {
        while (pos < expression.length() && Character.isWhitespace(expression.charAt(pos)))
        {
            pos++;
        }
        if (pos >= expression.length())
        {
            return new Token(Kind.END, "", pos);
        }
        final int start = pos;
        final char c = expression.charAt(pos);
        if (c == '\'')
        {
            return string(start);
        }
        if (isDigit(c) || (c == '.' && pos + 1 < expression.length() && isDigit(expression.charAt(pos + 1))))
        {
            return number(start);
        }
        if (isIdentifierStart(c))
        {
            while (pos < expression.length() && isIdentifierPart(expression.charAt(pos)))
            {
                pos++;
            }
            final String word = expression.substring(start, pos);
            final String upper = word.toUpperCase(Locale.ROOT);
            return KEYWORDS.contains(upper) ? new Token(Kind.KEYWORD, upper, start) :
                new Token(Kind.IDENTIFIER, word, start);
        }
        return operator(c, start);
    }

    private Token string(final int start)
    {
        final StringBuilder text = new StringBuilder();
        pos++;
        while (pos < expression.length())
        {
            final char c = expression.charAt(pos++);
            if (c == '\'')
            {
                if (pos < expression.length() && expression.charAt(pos) == '\'')
                {
                    text.append('\'');
                    pos++;
                }
                else
                {
                    return new Token(Kind.STRING, text.toString(), start);
                }
            }
            else
            {
                text.append(c);
            }
        }
        throw SqlFilter.error(expression, start, "unterminated string literal");
    }

    private Token number(final int start)
    {
        digits();
        if (pos < expression.length() && expression.charAt(pos) == '.')
        {
            pos++;
            digits();
        }
        if (pos < expression.length() && (expression.charAt(pos) == 'e' || expression.charAt(pos) == 'E'))
        {
            pos++;
            if (pos < expression.length() && (expression.charAt(pos) == '+' || expression.charAt(pos) == '-'))
            {
                pos++;
            }
            final int exponent = pos;
            digits();
            if (pos == exponent)
            {
                throw SqlFilter.error(expression, start, "malformed number, exponent without digits");
            }
        }
        if (pos < expression.length() && isIdentifierPart(expression.charAt(pos)))
        {
            throw SqlFilter.error(expression, pos, "malformed number, unexpected '" + expression.charAt(pos) + "'");
        }
        return new Token(Kind.NUMBER, expression.substring(start, pos), start);
    }

    private void digits()
    {
        while (pos < expression.length() && isDigit(expression.charAt(pos)))
        {
            pos++;
        }
    }

    private Token operator(final char c, final int start)
    {
        final char n = pos + 1 < expression.length() ? expression.charAt(pos + 1) : 0;
        final String op;
        if ((c == '<' && (n == '>' || n == '=')) || (c == '>' && n == '=') || (c == '!' && n == '='))
        {
            op = new String(new char[] {c, n});
        }
        else if ("=<>(),+-".indexOf(c) >= 0)
        {
            op = String.valueOf(c);
        }
        else
        {
            throw SqlFilter.error(expression, start, "unexpected character '" + c + "'");
        }
        pos += op.length();
        return new Token(Kind.OPERATOR, op, start);
    }

    private static boolean isDigit(final char c)
    {
        return c >= '0' && c <= '9';
    }

    private static boolean isIdentifierStart(final char c)
    {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
    }

    private static boolean isIdentifierPart(final char c)
    {
        return isIdentifierStart(c) || isDigit(c) || c == '.';
    }
}
