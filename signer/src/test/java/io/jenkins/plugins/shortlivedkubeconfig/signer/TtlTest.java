package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TtlTest {
    @ParameterizedTest
    @CsvSource({"25h,PT25H", "90m,PT1H30M", "1h30m,PT1H30M", "1.5h,PT1H30M", "300s,PT5M", "2h45m30s,PT2H45M30S",
            "1500ms,PT1.5S", "+1h,PT1H", "0,PT0S", "1h0m0s,PT1H", " 12h ,PT12H"})
    void parsesGoDurations(String text, String expected) throws Exception {
        assertThat(Ttl.parse(text, "--ttl")).isEqualTo(Duration.parse(expected));
    }

    @Test
    void roleMaximumAlsoTakesDays() throws Exception {
        assertThat(Ttl.parseRoleMaximum("2d", "max_session_ttl")).isEqualTo(Duration.ofHours(48));
        assertThatThrownBy(() -> Ttl.parse("2d", "--ttl"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("--ttl: \"2d\" has an unknown unit \"d\"; use h, m, s, ms, us, ns");
    }

    @Test
    void refusesANumberWithoutUnit() {
        assertThatThrownBy(() -> Ttl.parse("25", "--ttl"))
                .hasMessage("--ttl: \"25\" has a number without a unit; add one of h, m, s (e.g. 25h)");
    }

    @Test
    void refusesNegativeDurations() {
        assertThatThrownBy(() -> Ttl.parse("-1h", "--ttl"))
                .hasMessage("--ttl: \"-1h\" is negative; give a positive duration such as 1h");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "h", "1h-2m", "1..5h", ".h", "1 h", "one hour", "١h"})
    void refusesWhatIsNotADuration(String text) {
        assertThatThrownBy(() -> Ttl.parse(text, "--ttl"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("--ttl: \"" + text.strip() + "\"");
    }

    @Test
    void refusesEmptyAndOverlongInput() {
        assertThatThrownBy(() -> Ttl.parse("", "ttl")).hasMessage("ttl: a duration is required, e.g. 1h, 90m or 1h30m");
        assertThatThrownBy(() -> Ttl.parse("1".repeat(65) + "h", "ttl")).hasMessage("ttl: duration is too long (66 characters)");
        assertThatThrownBy(() -> Ttl.parse("99999999999h", "ttl")).hasMessage("ttl: \"99999999999h\" is too long a duration");
    }

    @ParameterizedTest
    @CsvSource({"PT25H,25h", "PT1H30M,1h30m", "PT45S,45s", "PT0S,0s", "PT1.5S,1.5s", "PT48H,48h"})
    void formatsTheWayTctlUsersWriteIt(String duration, String expected) {
        assertThat(Ttl.format(Duration.parse(duration))).isEqualTo(expected);
    }
}
