package io.rocklet.broker.internal;

import io.rocklet.api.TagFilter;
import io.rocklet.api.filter.SqlFilter;
import io.rocklet.store.StoredRecord;

import java.util.List;

/**
 * What a pull accepts: its tag filter (checked by the store by tag code) and, optionally, an SQL92 filter over the
 * message properties, checked on each record the store visits, in place. Immutable.
 *
 * @param tags the tag filter.
 * @param sql  the SQL92 filter, or null for none.
 */
record PullFilter(TagFilter tags, SqlFilter sql)
{
    /**
     * @return whether the SQL filter (there must be one) accepts a record, read in place: a property is decoded only
     *     when the expression asks for it.
     */
    boolean accepts(final StoredRecord record)
    {
        return sql.matches(name ->
        {
            if (SqlFilter.TAGS.equals(name))
            {
                final String tag = record.tag();
                return tag == null || tag.isEmpty() ? null : tag;
            }
            if (SqlFilter.KEYS.equals(name))
            {
                final List<String> keys = record.keys();
                return keys.isEmpty() ? null : String.join(" ", keys);
            }
            return record.property(name);
        });
    }
}
