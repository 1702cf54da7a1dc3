package dev.xueqing.jobs.ingest.caliper;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import dev.xueqing.common.model.QuarantineReason;
import dev.xueqing.jobs.ingest.xapi.Iso8601;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Caliper 1.2 entity model ({@code xueqing/caliper-entities.conf}: entity types, their parents and the value
 * type of each property) and the checks of an entity against it, for a standalone entity document and for every
 * entity nested in an event.
 *
 * <p>Rules, each with its quarantine reason (required properties are checked first, then the properties in
 * document order; the first problem wins):
 * <ul>
 *   <li>standalone: no type, or one the model does not define → {@code unknown_entity_type}; id missing, null or not
 *       an IRI → {@code invalid_id} (SystemIdentifier and TextPositionSelector have no id);</li>
 *   <li>a required property missing or null → {@code missing_property};</li>
 *   <li>a property whose type is an entity: an IRI string, or an object with an IRI id and a type that is the
 *       property's type or a subtype, else {@code invalid_entity} (null, a non-IRI string, a number, an entity of
 *       another type, an entity without id or type);</li>
 *   <li>a list property that is not a JSON array, a single-valued one that is, a string / integer / number /
 *       boolean / object property holding another kind of JSON value → {@code invalid_value_type}; an integer is a
 *       valid decimal (JSON has one number type);</li>
 *   <li>a date-time property that is not an ISO 8601 date-time → {@code invalid_timestamp}; a duration that is not
 *       an ISO 8601 duration → {@code bad_duration}; an enumerated term outside its list (roles, status, metric,
 *       identifier type, LTI message type) → {@code unknown_value}; {@code extensions} not an object →
 *       {@code invalid_extension}.</li>
 * </ul>
 * Properties the model does not list are not checked; null optional primitive properties count as absent. Nested
 * entities are checked to a depth of {@value #MAX_DEPTH}; an entity of a type the model does not know is checked
 * against the generic Entity properties where any entity is allowed.
 */
final class CaliperEntities implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String RESOURCE = "xueqing/caliper-entities.conf";
    static final int MAX_DEPTH = 8;
    private static final Pattern IRI = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:[^\\s<>\"{}|\\\\^`]+");
    private static final Set<String> PRIMITIVES = Set.of("String", "Integer", "Decimal", "Boolean", "DateTime",
            "Duration", "Map", "Extensions");

    /** A defect found in an entity. */
    record Problem(QuarantineReason reason, String detail) implements Serializable {}

    private record Property(String type, boolean list, boolean required) implements Serializable {}

    /** Own and inherited properties of each type (a subtype's declaration wins). */
    private final Map<String, Map<String, Property>> properties = new HashMap<>();
    /** Each type with all its ancestors, itself included. */
    private final Map<String, Set<String>> ancestors = new HashMap<>();
    private final Set<String> withoutId = new java.util.HashSet<>();
    private final Map<String, Set<String>> enums = new HashMap<>();

    CaliperEntities() {
        Config c = ConfigFactory.parseResources(CaliperEntities.class.getClassLoader(), RESOURCE).resolve();
        if (c.isEmpty()) {
            throw new IllegalStateException("The Caliper entity model " + RESOURCE + " is missing from the class path");
        }
        for (Map.Entry<String, ConfigValue> e : c.getObject("enums").entrySet()) {
            enums.put(e.getKey(), Set.copyOf(c.getConfig("enums").getStringList("\"" + e.getKey() + "\"")));
        }
        Config types = c.getConfig("types");
        Map<String, List<String>> parents = new HashMap<>();
        Map<String, Map<String, Property>> own = new HashMap<>();
        for (String type : types.root().keySet()) {
            Config t = types.getConfig(type);
            parents.put(type, t.hasPath("extends") ? t.getStringList("extends") : List.of());
            if (t.hasPath("id") && !t.getBoolean("id")) {
                withoutId.add(type);
            }
            Map<String, Property> props = new LinkedHashMap<>();
            if (t.hasPath("properties")) {
                for (Map.Entry<String, ConfigValue> p : t.getObject("properties").entrySet()) {
                    props.put(p.getKey(), parse(type, p.getKey(), String.valueOf(p.getValue().unwrapped())));
                }
            }
            own.put(type, props);
        }
        for (String type : parents.keySet()) {
            List<String> line = new ArrayList<>();
            collect(type, parents, line, 0);
            ancestors.put(type, new LinkedHashSet<>(line));
            Map<String, Property> all = new LinkedHashMap<>();
            // most general first, so that a subtype's declaration replaces its parent's
            for (int i = line.size() - 1; i >= 0; i--) {
                all.putAll(own.get(line.get(i)));
            }
            properties.put(type, all);
        }
        for (Map<String, Property> props : properties.values()) {
            for (Property p : props.values()) {
                String base = p.type().startsWith("enum:") ? null : p.type();
                if (p.type().startsWith("enum:") && !enums.containsKey(p.type().substring(5))) {
                    throw new IllegalStateException(RESOURCE + ": unknown enumeration " + p.type());
                }
                if (base != null && !PRIMITIVES.contains(base) && !properties.containsKey(base)
                        && !parents.containsKey(base)) {
                    throw new IllegalStateException(RESOURCE + ": unknown type " + base);
                }
            }
        }
    }

    private static Property parse(String type, String name, String spec) {
        String s = spec.trim();
        boolean list = s.startsWith("[") && s.endsWith("]");
        if (list) {
            s = s.substring(1, s.length() - 1).trim();
        }
        boolean required = s.endsWith("!");
        if (required) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty()) {
            throw new IllegalStateException(RESOURCE + ": " + type + "." + name + " has no type");
        }
        return new Property(s, list, required);
    }

    private static void collect(String type, Map<String, List<String>> parents, List<String> out, int depth) {
        if (depth > 20 || out.contains(type)) {
            return;
        }
        if (!parents.containsKey(type)) {
            throw new IllegalStateException(RESOURCE + ": unknown parent type " + type);
        }
        out.add(type);
        for (String p : parents.get(type)) {
            collect(p, parents, out, depth + 1);
        }
    }

    /** True when the model defines this entity type. */
    boolean known(String type) {
        return type != null && properties.containsKey(type);
    }

    /** True when {@code type} is {@code expected} or one of its subtypes. */
    boolean isA(String type, String expected) {
        return known(type) && ancestors.get(type).contains(expected);
    }

    /** Checks a standalone entity document (not an event); null when it is valid. */
    Problem checkDocument(JsonNode e) {
        JsonNode typeNode = e.get("type");
        if (typeNode == null || typeNode.isNull()) {
            return new Problem(QuarantineReason.UNKNOWN_ENTITY_TYPE, "type: missing or null");
        }
        if (!typeNode.isTextual()) {
            return new Problem(QuarantineReason.UNKNOWN_ENTITY_TYPE, "type: " + typeNode + " is not a type name");
        }
        String type = typeNode.asText();
        if (!known(type)) {
            return new Problem(QuarantineReason.UNKNOWN_ENTITY_TYPE, "type: " + type
                    + " is not a Caliper entity type (nor an event type)");
        }
        if (!withoutId.contains(type)) {
            JsonNode id = e.get("id");
            if (id == null || id.isNull()) {
                return new Problem(QuarantineReason.INVALID_ID, "id: missing or null (a Caliper " + type
                        + " is identified by an IRI)");
            }
            if (!id.isTextual() || !IRI.matcher(id.asText()).matches()) {
                return new Problem(QuarantineReason.INVALID_ID, "id: " + id + " is not an IRI");
            }
        }
        return checkProperties(e, type, "", 0);
    }

    /**
     * Checks the properties of an entity object whose id and type the caller has checked; {@code type} is its
     * type, or null (unknown: the generic Entity properties apply). {@code path} names it in details ("generated").
     */
    Problem checkProperties(JsonNode entity, String type, String path, int depth) {
        if (depth > MAX_DEPTH || !entity.isObject()) {
            return null;
        }
        Map<String, Property> props = properties.get(known(type) ? type : "Entity");
        String prefix = path.isEmpty() ? "" : path + ".";
        for (Map.Entry<String, Property> p : props.entrySet()) {
            JsonNode v = entity.get(p.getKey());
            if (p.getValue().required() && (v == null || v.isNull())) {
                return new Problem(QuarantineReason.MISSING_PROPERTY, prefix + p.getKey() + ": missing or null (a "
                        + (type == null ? "Caliper entity" : type) + " requires " + describe(p.getValue()) + ")");
            }
        }
        Iterator<Map.Entry<String, JsonNode>> fields = entity.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            Property p = props.get(f.getKey());
            if (p == null) {
                continue;
            }
            String where = prefix + f.getKey();
            JsonNode v = f.getValue();
            if (v.isNull()) {
                if (isEntityType(p.type())) {
                    return new Problem(QuarantineReason.INVALID_ENTITY, where + ": null is neither an entity nor an "
                            + "IRI (leave the property out when there is no " + p.type() + ")");
                }
                continue;
            }
            if (p.list()) {
                if (!v.isArray()) {
                    return new Problem(QuarantineReason.INVALID_VALUE_TYPE, where + ": " + kind(v) + " where Caliper "
                            + "expects " + describe(p));
                }
                for (int i = 0; i < v.size(); i++) {
                    Problem problem = checkValue(v.get(i), p, where + "[" + i + "]", depth);
                    if (problem != null) {
                        return problem;
                    }
                }
            } else {
                if (v.isArray() && !p.type().equals("Extensions")) {
                    return new Problem(QuarantineReason.INVALID_VALUE_TYPE, where + ": a list where Caliper expects "
                            + describe(p));
                }
                Problem problem = checkValue(v, p, where, depth);
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    private Problem checkValue(JsonNode v, Property p, String where, int depth) {
        String t = p.type();
        if (t.startsWith("enum:")) {
            if (!v.isTextual()) {
                return wrongKind(v, p, where);
            }
            Set<String> terms = enums.get(t.substring(5));
            return terms.contains(v.asText()) ? null : new Problem(QuarantineReason.UNKNOWN_VALUE, where + ": \""
                    + v.asText() + "\" is not one of the Caliper terms " + new java.util.TreeSet<>(terms));
        }
        switch (t) {
            case "String":
                return v.isTextual() ? null : wrongKind(v, p, where);
            case "Integer":
                return v.isIntegralNumber() ? null : wrongKind(v, p, where);
            case "Decimal":
                return v.isNumber() ? null : wrongKind(v, p, where);
            case "Boolean":
                return v.isBoolean() ? null : wrongKind(v, p, where);
            case "Map":
                return v.isObject() ? null : wrongKind(v, p, where);
            case "Extensions":
                return v.isObject() ? null : new Problem(QuarantineReason.INVALID_EXTENSION, where + ": " + kind(v)
                        + " is not a JSON object");
            case "DateTime":
                if (!v.isTextual()) {
                    return wrongKind(v, p, where);
                }
                return Iso8601.parseDateTime(v.asText()).isPresent() ? null : new Problem(
                        QuarantineReason.INVALID_TIMESTAMP, where + ": \"" + v.asText()
                        + "\" is not an ISO 8601 date-time (YYYY-MM-DDTHH:mm:ss.SSSZ)");
            case "Duration":
                if (!v.isTextual()) {
                    return wrongKind(v, p, where);
                }
                return Iso8601.durationSeconds(v.asText()).isPresent() ? null : new Problem(
                        QuarantineReason.BAD_DURATION, where + ": \"" + v.asText()
                        + "\" is not an ISO 8601 duration (e.g. PT50M30S)");
            default:
                return checkReference(v, t, where, depth);
        }
    }

    /** An entity-typed value: an IRI, or an entity of the expected type (or a subtype), checked in turn. */
    Problem checkReference(JsonNode v, String expected, String where, int depth) {
        if (v.isTextual()) {
            return IRI.matcher(v.asText()).matches() ? null : new Problem(QuarantineReason.INVALID_ENTITY, where
                    + ": \"" + abbreviate(v.asText()) + "\" is neither an entity nor an IRI");
        }
        if (!v.isObject()) {
            return new Problem(QuarantineReason.INVALID_ENTITY, where + ": " + kind(v)
                    + " is neither an entity nor an IRI");
        }
        JsonNode typeNode = v.get("type");
        String type = typeNode != null && typeNode.isTextual() ? typeNode.asText() : null;
        if (type == null) {
            return new Problem(QuarantineReason.INVALID_ENTITY, where + ": the entity has no type");
        }
        boolean anyEntity = expected.equals("Entity");
        if (known(type) ? !isA(type, expected) : !anyEntity) {
            return new Problem(QuarantineReason.INVALID_ENTITY, where + ": an entity of type " + type
                    + " where Caliper expects " + expected + (anyEntity ? "" : " or a subtype"));
        }
        if (!withoutId.contains(type)) {
            JsonNode id = v.get("id");
            if (id == null || !id.isTextual() || !IRI.matcher(id.asText()).matches()) {
                return new Problem(QuarantineReason.INVALID_ENTITY, where + ": the " + type + " has no IRI id");
            }
        }
        return checkProperties(v, known(type) ? type : null, where, depth + 1);
    }

    private boolean isEntityType(String t) {
        return !t.startsWith("enum:") && !PRIMITIVES.contains(t);
    }

    private static Problem wrongKind(JsonNode v, Property p, String where) {
        return new Problem(QuarantineReason.INVALID_VALUE_TYPE, where + ": " + kind(v) + " where Caliper expects "
                + describe(new Property(p.type(), false, false)));
    }

    private static String describe(Property p) {
        String t = p.type();
        String one = switch (t) {
            case "String" -> "a string";
            case "Integer" -> "an integer";
            case "Decimal" -> "a number";
            case "Boolean" -> "true or false";
            case "DateTime" -> "an ISO 8601 date-time string";
            case "Duration" -> "an ISO 8601 duration string";
            case "Map", "Extensions" -> "a JSON object";
            default -> t.startsWith("enum:") ? "a " + t.substring(5) + " term" : "a " + t + " (entity or IRI)";
        };
        return p.list() ? "a list of " + (one.startsWith("a ") ? one.substring(2) : one) + " values" : one;
    }

    private static String kind(JsonNode v) {
        String k = v.getNodeType().name().toLowerCase(Locale.ROOT);
        String shown = v.isContainerNode() ? "" : " " + abbreviate(v.toString());
        return switch (k) {
            case "array" -> "a list";
            case "object" -> "an object";
            default -> "a " + k + shown;
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }
}
