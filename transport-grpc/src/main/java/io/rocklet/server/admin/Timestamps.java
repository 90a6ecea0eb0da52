package io.rocklet.server.admin;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reads a time option: epoch milliseconds ({@code 1765015200000}) or an ISO-8601 instant
 * ({@code 2026-12-06T10:00:00Z}).
 */
final class Timestamps implements ITypeConverter<Long>
{
    @Override
    public Long convert(final String value)
    {
        final String text = value.trim();
        if (!text.isEmpty() && text.chars().allMatch(Character::isDigit))
        {
            try
            {
                return Long.parseLong(text);
            }
            catch (final NumberFormatException e)
            {
                throw new TypeConversionException("a time out of range: '" + value + "'");
            }
        }
        try
        {
            return Instant.parse(text).toEpochMilli();
        }
        catch (final DateTimeParseException e)
        {
            throw new TypeConversionException("a time is epoch milliseconds or ISO-8601 such as " +
                "2026-12-06T10:00:00Z, got '" + value + "'");
        }
    }
}
