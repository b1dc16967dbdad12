package dev.cascade.demo.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade.api.domain.DomainAdapter;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DemoPlantTest {

    /** Records registrations as the framework would keep them. */
    private final Map<String, Dictionary<String, Object>> registered = new LinkedHashMap<>();

    private final Map<String, DomainAdapter> adapters = new LinkedHashMap<>();

    private final DemoPlant.Registrar registrar = (adapter, properties) -> {
        String id = (String) properties.get(DomainAdapter.DOMAIN_ID);
        registered.put(id, properties);
        adapters.put(id, adapter);
        return () -> {
            registered.remove(id);
            adapters.remove(id);
        };
    };

    @Test
    void defaultsRegisterOneHallAndItsUnitUntilDeactivated() {
        DemoPlant plant = new DemoPlant(Configs.defaults(), registrar);
        try {
            assertEquals(List.of("crah-1", "hall-1"), new ArrayList<>(registered.keySet()));
            assertEquals("hall-1", registered.get("crah-1").get(DemoPlant.HALL));
            assertEquals(0b111, registered.get("hall-1").get(DomainAdapter.AXIS_MASK));
            assertTrue(adapters.get("hall-1") instanceof HallAdapter);
            assertTrue(adapters.get("crah-1") instanceof CoolingUnitAdapter);
        } finally {
            plant.deactivate();
        }
        assertTrue(registered.isEmpty(), "deactivation unregisters every domain: " + registered.keySet());
    }

    @Test
    void hallsAndUnitsComeInTheConfiguredNumbers() {
        DemoPlant plant = new DemoPlant(Configs.with(Map.of("halls", 2, "unitsPerHall", 2)), registrar);
        try {
            assertEquals(
                    List.of("crah-1", "crah-2", "hall-1", "crah-3", "crah-4", "hall-2"),
                    new ArrayList<>(registered.keySet()));
            assertEquals("hall-2", registered.get("crah-3").get(DemoPlant.HALL));
            assertEquals(2, plant.halls().size());
        } finally {
            plant.deactivate();
        }
    }

    @Test
    void disabledRegistersNothing() {
        DemoPlant plant = new DemoPlant(Configs.with(Map.of("enabled", false)), registrar);
        assertTrue(registered.isEmpty());
        assertTrue(plant.halls().isEmpty());
        plant.deactivate();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "halls                     | 0     | halls = 0 is not allowed; use a whole number from 1 to 10",
                "unitsPerHall              | 11    | unitsPerHall = 11 is not allowed; use a whole number from 1 to 10",
                "stepRateHz                | 1000  | stepRateHz = 1000 is not allowed; use a whole number from 5 to 200",
                "noiseScale                | -1.0  | noiseScale = -1.0 is not allowed; use a number from 0.0 to 10.0",
                "noiseScale                | NaN   | noiseScale = NaN is not allowed; use a number from 0.0 to 10.0",
                "disturbanceAmplitudeKw    | 500.0 | disturbanceAmplitudeKw = 500.0 is not allowed; use a number from 0.0 to 200.0",
                "disturbancePeriodSeconds  | 1.0   | disturbancePeriodSeconds = 1.0 is not allowed; use a number from 10.0 to 86400.0",
                "gainChangeAfterSeconds    | -5.0  | gainChangeAfterSeconds = -5.0 is not allowed; use a number from 0.0 to 86400.0",
                "valveAuthorityAfterChange | 0.0   | valveAuthorityAfterChange = 0.0 is not allowed; use a number from 0.1 to 2.0",
            })
    void badConfigurationIsRejectedNamingFieldValueAndWhatIsAllowed(String field, String value, String message) {
        Object typed = field.equals("halls") || field.equals("unitsPerHall") || field.equals("stepRateHz")
                ? (Object) Integer.valueOf(value)
                : (Object) Double.valueOf(value);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> new DemoPlant(Configs.with(Map.of(field, typed)), registrar));
        assertEquals("dev.cascade.demo: " + message, e.getMessage());
        assertTrue(registered.isEmpty(), "a rejected configuration registers nothing");
    }

    @Test
    void badConfigurationIsRejectedEvenWhenDisabled() {
        // a typo should show when the demo is switched off, not first when someone switches it on
        assertThrows(
                IllegalArgumentException.class,
                () -> new DemoPlant(Configs.with(Map.of("enabled", false, "halls", 0)), registrar));
    }
}
