package io.hoist.plugin.vsphere.soap;

import com.vmware.vim25.ManagedObjectReference;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Calendar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.xml.datatype.DatatypeConfigurationException;
import javax.xml.datatype.DatatypeFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Turns vim25 XML into vijava's data objects, tolerating what vijava's model does not know.
 *
 * <p>vijava's own deserializer fails the whole response on any element newer than its 5.1 model
 * (e.g. {@code datastoreNamespaceManager} in ServiceContent), and every current vCenter sends such
 * elements. Here an unknown element is skipped, an unknown {@code xsi:type} falls back to the
 * declared type (so a new device kind still reads as a {@code VirtualDevice} with its key and label),
 * and an unknown enum value reads as null. Unknown type names and simple fields are kept by
 * {@link #extras(Object)} so the inventory can still report them (TPM devices, secure boot).
 */
public final class TolerantXmlReader {
    static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";
    private static final String VIM_PACKAGE = "com.vmware.vim25.";
    private static final Map<Class<?>, Map<String, Field>> FIELDS = new ConcurrentHashMap<>();
    private static final Map<String, Class<?>> TYPES = new ConcurrentHashMap<>();
    private static final Class<?> NOT_FOUND = Void.class;
    private static final DatatypeFactory DATES;

    static {
        try {
            DATES = DatatypeFactory.newInstance();
        } catch (DatatypeConfigurationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Types newer than vijava 5.1 whose nearest known ancestor keeps their useful fields
     * (a SR-IOV NIC still has its MAC, an NVMe controller still owns its disks).
     */
    private static final Map<String, String> NEWER_TYPE_ANCESTORS = Map.ofEntries(
            Map.entry("VirtualSriovEthernetCard", "VirtualEthernetCard"),
            Map.entry("VirtualVmxnet3Vrdma", "VirtualVmxnet3"),
            Map.entry("VirtualNVMEController", "VirtualController"),
            Map.entry("VirtualSATAController", "VirtualController"),
            Map.entry("VirtualAHCIController", "VirtualController"),
            Map.entry("VirtualTPM", "VirtualDevice"),
            Map.entry("VirtualPrecisionClock", "VirtualDevice"),
            Map.entry("VirtualNVDIMM", "VirtualDevice"),
            Map.entry("VirtualNVDIMMController", "VirtualController"),
            Map.entry("VirtualWDT", "VirtualDevice"));

    /**
     * What the model could not hold for one object: its wire type when it was newer than the
     * model, and the text of unknown simple child elements (e.g. {@code efiSecureBootEnabled}).
     * vijava's data classes use identity equality, so a weak map keyed by the object is enough.
     */
    public record Extras(String wireType, Map<String, String> fields) {}

    private static final Map<Object, Extras> EXTRAS =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /** The extras recorded for {@code o}, or an empty record. */
    public static Extras extras(Object o) {
        Extras x = o == null ? null : EXTRAS.get(o);
        return x != null ? x : new Extras(null, Map.of());
    }

    /** The wire type name of {@code o}: its recorded newer type, else its class's simple name. */
    public static String wireType(Object o) {
        Extras x = extras(o);
        return x.wireType() != null ? x.wireType() : o.getClass().getSimpleName();
    }

    /** An unknown simple field of {@code o} as text, or null. */
    public static String extraField(Object o, String name) {
        return extras(o).fields().get(name);
    }

    /** Reads {@code e} as {@code declared} (a vijava data class, a simple type, an array or Object). */
    public Object read(Element e, Class<?> declared) {
        if ("true".equals(e.getAttributeNS(XSI, "nil"))) {
            return null;
        }
        String xsiType = localName(e.getAttributeNS(XSI, "type"));
        Class<?> type = declared;
        String unknown = null;
        if (!xsiType.isEmpty()) {
            if (xsiType.startsWith("ArrayOf")) {
                Class<?> component = resolveArrayComponent(xsiType.substring("ArrayOf".length()));
                if (component != null) {
                    return readArrayWrapper(e, component);
                }
                return null;
            }
            Class<?> named = resolve(xsiType);
            if (named == null && NEWER_TYPE_ANCESTORS.containsKey(xsiType)) {
                Class<?> ancestor = resolve(NEWER_TYPE_ANCESTORS.get(xsiType));
                if (ancestor != null && declared.isAssignableFrom(ancestor)) {
                    type = ancestor;
                }
            }
            if (named != null && (declared == Object.class || declared.isAssignableFrom(named)
                    || (declared.isPrimitive() && boxed(declared) == named))) {
                type = named;
            } else if (named == null) {
                unknown = xsiType;
            }
        }
        if (type.isArray()) {
            // A single element standing for a one-element array (callers normally collect repeats).
            Object arr = Array.newInstance(type.getComponentType(), 1);
            Array.set(arr, 0, read(e, type.getComponentType()));
            return arr;
        }
        if (type == ManagedObjectReference.class) {
            ManagedObjectReference mor = new ManagedObjectReference();
            mor.setType(e.getAttribute("type"));
            mor.set_value(e.getTextContent().trim());
            return mor;
        }
        if (isSimple(type)) {
            return simple(e.getTextContent(), type);
        }
        if (type == Object.class || Modifier.isAbstract(type.getModifiers()) || type.isInterface()) {
            // anyType without a type we know: keep the text so nothing is silently lost.
            return hasElementChildren(e) ? null : e.getTextContent();
        }
        return readObject(e, type, unknown);
    }

    private Object readObject(Element e, Class<?> type, String unknownWireType) {
        Object obj;
        try {
            obj = type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException ex) {
            return null;
        }
        Map<String, Field> fields = fieldsOf(type);
        Map<Field, List<Object>> repeated = new LinkedHashMap<>();
        Map<String, String> unknownFields = null;
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (!(n instanceof Element child)) {
                continue;
            }
            Field f = fields.get(javaName(child.getLocalName()));
            if (f == null) {
                // an element newer than vijava's model: skip it, do not fail; keep simple values, and the simple
                // fields of a newer structure as "element.field" (its first occurrence: guest.disk[].mappings.key)
                if (unknownFields == null) {
                    unknownFields = new java.util.HashMap<>();
                }
                if (!hasElementChildren(child)) {
                    unknownFields.put(child.getLocalName(), child.getTextContent().trim());
                } else {
                    for (Node g = child.getFirstChild(); g != null; g = g.getNextSibling()) {
                        if (g instanceof Element ge && !hasElementChildren(ge)) {
                            unknownFields.putIfAbsent(child.getLocalName() + "." + ge.getLocalName(), ge.getTextContent().trim());
                        }
                    }
                }
                continue;
            }
            Class<?> ft = f.getType();
            try {
                if (ft.isArray() && ft != byte[].class) {
                    repeated.computeIfAbsent(f, k -> new ArrayList<>()).add(read(child, ft.getComponentType()));
                } else if (ft == byte[].class) {
                    f.set(obj, Base64.getMimeDecoder().decode(child.getTextContent().trim()));
                } else {
                    Object v = read(child, ft);
                    if (v != null || !ft.isPrimitive()) {
                        if (v != null && !ft.isPrimitive() && !ft.isInstance(v)) {
                            continue; // wire value of another shape than the model's field: skip
                        }
                        f.set(obj, v);
                    }
                }
            } catch (IllegalAccessException | IllegalArgumentException ex) {
                // a field we cannot set is treated like an unknown element
            }
        }
        for (Map.Entry<Field, List<Object>> r : repeated.entrySet()) {
            try {
                r.getKey().set(obj, toArray(r.getValue(), r.getKey().getType().getComponentType()));
            } catch (IllegalAccessException | IllegalArgumentException ex) {
                // as above
            }
        }
        if (unknownWireType != null || unknownFields != null) {
            EXTRAS.put(obj, new Extras(unknownWireType, unknownFields == null ? Map.of() : Map.copyOf(unknownFields)));
        }
        return obj;
    }

    private Object readArrayWrapper(Element e, Class<?> component) {
        List<Object> items = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element child) {
                items.add(read(child, component));
            }
        }
        return toArray(items, component);
    }

    static Object toArray(List<Object> items, Class<?> component) {
        List<Object> kept = component.isPrimitive() ? items.stream().filter(java.util.Objects::nonNull).toList() : items;
        Object arr = Array.newInstance(component, kept.size());
        for (int i = 0; i < kept.size(); i++) {
            Object v = kept.get(i);
            if (v == null || component.isPrimitive() || component.isInstance(v)) {
                Array.set(arr, i, v);
            }
        }
        return arr;
    }

    private static Class<?> resolveArrayComponent(String name) {
        return switch (name) {
            case "String" -> String.class;
            case "Int" -> int.class;
            case "Long" -> long.class;
            case "Short" -> short.class;
            case "Byte" -> byte.class;
            case "Boolean" -> boolean.class;
            case "Float" -> float.class;
            case "Double" -> double.class;
            case "DateTime" -> Calendar.class;
            case "AnyType" -> Object.class;
            default -> resolve(name);
        };
    }

    /** Maps an xsi:type name to a Java class: XML Schema simple types, then vijava's model; null if unknown. */
    static Class<?> resolve(String name) {
        Class<?> c = switch (name) {
            case "string", "anyURI" -> String.class;
            case "int" -> Integer.class;
            case "long" -> Long.class;
            case "short" -> Short.class;
            case "byte" -> Byte.class;
            case "boolean" -> Boolean.class;
            case "float" -> Float.class;
            case "double" -> Double.class;
            case "dateTime" -> Calendar.class;
            case "base64Binary" -> byte[].class;
            default -> null;
        };
        if (c != null) {
            return c;
        }
        Class<?> found = TYPES.computeIfAbsent(name, n -> {
            try {
                return Class.forName(VIM_PACKAGE + n, false, TolerantXmlReader.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError ex) {
                return NOT_FOUND;
            }
        });
        return found == NOT_FOUND ? null : found;
    }

    private static boolean isSimple(Class<?> t) {
        return t.isPrimitive() || t == String.class || Number.class.isAssignableFrom(t) || t == Boolean.class
                || t == Calendar.class || t.isEnum() || t == byte[].class;
    }

    private static Object simple(String text, Class<?> t) {
        String s = text.trim();
        try {
            if (t == String.class) {
                return text;
            } else if (t == int.class || t == Integer.class) {
                return Integer.valueOf(s);
            } else if (t == long.class || t == Long.class) {
                return Long.valueOf(s);
            } else if (t == short.class || t == Short.class) {
                return Short.valueOf(s);
            } else if (t == byte.class || t == Byte.class) {
                return Byte.valueOf(s);
            } else if (t == boolean.class || t == Boolean.class) {
                return "true".equals(s) || "1".equals(s);
            } else if (t == float.class || t == Float.class) {
                return Float.valueOf(s);
            } else if (t == double.class || t == Double.class) {
                return Double.valueOf(s);
            } else if (t == Calendar.class) {
                return DATES.newXMLGregorianCalendar(s).toGregorianCalendar();
            } else if (t == byte[].class) {
                return Base64.getMimeDecoder().decode(s);
            } else if (t.isEnum()) {
                for (Object c : t.getEnumConstants()) {
                    if (((Enum<?>) c).name().equals(s) || c.toString().equals(s)) {
                        return c;
                    }
                }
                return null; // a value newer than the model's enum
            }
        } catch (IllegalArgumentException ex) {
            return null;
        }
        return null;
    }

    private static Class<?> boxed(Class<?> p) {
        return java.lang.invoke.MethodType.methodType(p).wrap().returnType();
    }

    private static boolean hasElementChildren(Element e) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element) {
                return true;
            }
        }
        return false;
    }

    static String localName(String qname) {
        int i = qname.indexOf(':');
        return i < 0 ? qname : qname.substring(i + 1);
    }

    // vijava renames wire names that are Java keywords with a leading underscore.
    private static String javaName(String wire) {
        return switch (wire) {
            case "default", "long", "int", "class", "interface", "package", "native", "private", "public",
                 "static", "final", "abstract", "switch", "case", "return", "new", "this", "super", "enum" ->
                    "_" + wire;
            default -> wire;
        };
    }

    private static Map<String, Field> fieldsOf(Class<?> type) {
        return FIELDS.computeIfAbsent(type, t -> {
            Map<String, Field> m = new java.util.HashMap<>();
            for (Class<?> c = t; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(f.getModifiers()) && Modifier.isPublic(f.getModifiers())) {
                        m.putIfAbsent(f.getName(), f);
                    }
                }
            }
            return Map.copyOf(m);
        });
    }
}
